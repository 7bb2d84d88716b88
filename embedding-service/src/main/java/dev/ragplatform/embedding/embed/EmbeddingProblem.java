package dev.ragplatform.embedding.embed;

import java.net.URI;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem answered by this service: bad input (400, 413, 422) or overload (429, 503). */
class EmbeddingProblem extends ErrorResponseException {

	private final String outcome;

	private EmbeddingProblem(HttpStatus status, URI type, String title, String detail, String outcome) {
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

	static EmbeddingProblem badRequest(String detail) {
		return new EmbeddingProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail,
				"invalid");
	}

	static EmbeddingProblem notFound(String detail) {
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
