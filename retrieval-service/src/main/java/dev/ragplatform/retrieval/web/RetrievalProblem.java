package dev.ragplatform.retrieval.web;

import java.net.URI;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem answered by this service. */
public class RetrievalProblem extends ErrorResponseException {

	private RetrievalProblem(HttpStatus status, URI type, String title, String detail) {
		super(status, problem(status, type, title, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	public static RetrievalProblem badRequest(String detail) {
		return new RetrievalProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
	}

	public static RetrievalProblem forbidden(String detail) {
		return new RetrievalProblem(HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Forbidden", detail);
	}

	public static RetrievalProblem notFound(String detail) {
		return new RetrievalProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
	}

	public static RetrievalProblem conflict(String detail) {
		return new RetrievalProblem(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", detail);
	}

	public static RetrievalProblem dependencyUnavailable(String detail) {
		return new RetrievalProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.DEPENDENCY_UNAVAILABLE,
				"Dependency unavailable", detail);
	}

	/** 429 with {@code Retry-After}. */
	public static RetrievalProblem tooManyRequests(String detail, int retryAfterSeconds) {
		RetrievalProblem problem = new RetrievalProblem(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.OVERLOADED,
				"Too many requests", detail);
		problem.getHeaders().set("Retry-After", String.valueOf(retryAfterSeconds));
		return problem;
	}

	public String detail() {
		return getBody().getDetail();
	}

}
