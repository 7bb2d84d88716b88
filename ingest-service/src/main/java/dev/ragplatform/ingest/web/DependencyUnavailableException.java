package dev.ragplatform.ingest.web;

import dev.ragplatform.contracts.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A service this one needs is down or overloaded: a 503 problem over HTTP, and in the pipeline a transient
 * failure that pauses and retries the batch instead of failing the document.
 */
public class DependencyUnavailableException extends ErrorResponseException {

	public DependencyUnavailableException(String detail, Throwable cause) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), cause);
	}

	private static ProblemDetail problem(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setType(ProblemTypes.DEPENDENCY_UNAVAILABLE);
		problem.setTitle("Dependency unavailable");
		return problem;
	}

	@Override
	public String getMessage() {
		return getBody().getDetail();
	}

}
