package dev.ragplatform.ingest.web;

import java.net.URI;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem answered by this service. */
public class IngestProblem extends ErrorResponseException {

	private IngestProblem(HttpStatus status, URI type, String title, String detail) {
		super(status, problem(status, type, title, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	public static IngestProblem badRequest(String detail) {
		return new IngestProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
	}

	public static IngestProblem notFound(String detail) {
		return new IngestProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
	}

	public static IngestProblem conflict(String detail) {
		return new IngestProblem(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", detail);
	}

	public static IngestProblem tooLarge(String detail) {
		return new IngestProblem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Document too large",
				detail);
	}

	public static IngestProblem unsupportedType(String detail) {
		return new IngestProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
				"Unsupported document type", detail);
	}

	public static IngestProblem empty(String detail) {
		return new IngestProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.INVALID_REQUEST, "Empty document",
				detail);
	}

	public static IngestProblem unprocessable(String detail) {
		return new IngestProblem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.INVALID_REQUEST, "Invalid request",
				detail);
	}

}
