package dev.ragplatform.llm.web;

import java.net.URI;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem answered by this service. */
public class LlmProblem extends ErrorResponseException {

	private LlmProblem(HttpStatus status, URI type, String title, String detail) {
		super(status, problem(status, type, title, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	public static LlmProblem badRequest(String detail) {
		return new LlmProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
	}

	public static LlmProblem notFound(String detail) {
		return new LlmProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
	}

	public static LlmProblem dependencyUnavailable(String detail) {
		return new LlmProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.DEPENDENCY_UNAVAILABLE,
				"Dependency unavailable", detail);
	}

	public String detail() {
		return getBody().getDetail();
	}

	/** The {@code detail} of another service's problem answer, else its status text. */
	public static String detailOf(org.springframework.web.client.RestClientResponseException ex) {
		try {
			tools.jackson.databind.JsonNode problem = ex.getResponseBodyAs(tools.jackson.databind.JsonNode.class);
			if (problem != null && problem.hasNonNull("detail")) {
				return problem.get("detail").asString();
			}
		}
		catch (RuntimeException ignored) {
			// not a problem document
		}
		return ex.getStatusText();
	}

}
