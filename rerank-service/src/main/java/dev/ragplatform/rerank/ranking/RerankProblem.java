package dev.ragplatform.rerank.ranking;

import java.net.URI;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem answered by this service: bad input (400, 404, 413) or overload (429, 503). */
class RerankProblem extends ErrorResponseException {

	private final String outcome;

	private RerankProblem(HttpStatus status, URI type, String title, String detail, String outcome) {
		super(status, problem(status, type, title, detail), null);
		this.outcome = outcome;
	}

	private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	/** The outcome tag of the request counter. */
	String outcome() {
		return this.outcome;
	}

	static RerankProblem badRequest(String detail) {
		return new RerankProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail,
				"invalid");
	}

	static RerankProblem notFound(String detail) {
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
