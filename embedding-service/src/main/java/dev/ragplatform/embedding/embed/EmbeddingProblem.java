package dev.ragplatform.embedding.embed;

import java.net.URI;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** An RFC 9457 problem answered by this service: bad input (400, 413, 422) or overload (429, 503). */
class EmbeddingProblem extends ServiceProblem {

	private final String outcome;

	private EmbeddingProblem(HttpStatus status, URI type, String title, String detail, String outcome) {
		super(status, type, title, detail);
		this.outcome = outcome;
	}

	/** The outcome tag of the request counter. */
	@Override
	public String outcome() {
		return this.outcome;
	}

	public static EmbeddingProblem badRequest(String detail) {
		return new EmbeddingProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail,
				"invalid");
	}

	public static EmbeddingProblem notFound(String detail) {
		return new EmbeddingProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail, "invalid");
	}

	static EmbeddingProblem unprocessable(String detail) {
		return new EmbeddingProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.INVALID_REQUEST, "Empty input",
				detail, "invalid");
	}

	static EmbeddingProblem tooLarge(String detail) {
		return new EmbeddingProblem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Input too large",
				detail, "too_large");
	}

	static EmbeddingProblem overloaded(long retryAfterSeconds) {
		EmbeddingProblem problem = new EmbeddingProblem(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.OVERLOADED,
				"Overloaded", "The embedding queue is full; retry in " + retryAfterSeconds + " s.", "overloaded");
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
		problem.getBody().setProperty("retryAfterSeconds", retryAfterSeconds);
		return problem;
	}

	static EmbeddingProblem deadlineExceeded(long timeoutMillis) {
		EmbeddingProblem problem = new EmbeddingProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
				"Deadline exceeded", "The inputs were not embedded within " + timeoutMillis
						+ " ms and were dropped; retry later or send fewer inputs per request.", "timeout");
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return problem;
	}

}
