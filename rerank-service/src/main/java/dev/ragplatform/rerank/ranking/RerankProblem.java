package dev.ragplatform.rerank.ranking;

import java.net.URI;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** An RFC 9457 problem answered by this service: bad input (400, 404, 413) or overload (429, 503). */
class RerankProblem extends ServiceProblem {

	private final String outcome;

	private RerankProblem(HttpStatus status, URI type, String title, String detail, String outcome) {
		super(status, type, title, detail);
		this.outcome = outcome;
	}

	/** The outcome tag of the request counter. */
	@Override
	public String outcome() {
		return this.outcome;
	}

	public static RerankProblem badRequest(String detail) {
		return new RerankProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail,
				"invalid");
	}

	public static RerankProblem notFound(String detail) {
		return new RerankProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Unknown model", detail, "invalid");
	}

	static RerankProblem tooLarge(String detail) {
		return new RerankProblem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Input too large",
				detail, "too_large");
	}

	static RerankProblem overloaded(long retryAfterSeconds) {
		RerankProblem problem = new RerankProblem(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.OVERLOADED, "Overloaded",
				"The rerank queue is full; retry in " + retryAfterSeconds + " s.", "overloaded");
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
		problem.getBody().setProperty("retryAfterSeconds", retryAfterSeconds);
		return problem;
	}

	static RerankProblem deadlineExceeded(long timeoutMillis) {
		RerankProblem problem = new RerankProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
				"Deadline exceeded", "The documents were not scored within " + timeoutMillis
						+ " ms and their work was dropped; retry later or send fewer documents per request.",
				"timeout");
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return problem;
	}

}
