package dev.ragplatform.gateway.web;

import dev.ragplatform.commons.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A problem answered by the gateway's own endpoints. */
public class GatewayProblem extends ErrorResponseException {

	private GatewayProblem(HttpStatus status, java.net.URI type, String title, String detail) {
		super(status, Problems.of(status, type, title, detail), null);
	}

	public static GatewayProblem badRequest(String detail) {
		return new GatewayProblem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
	}

	public static GatewayProblem notFound(String detail) {
		return new GatewayProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
	}

	public static GatewayProblem conflict(String detail) {
		return new GatewayProblem(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", detail);
	}

	public static GatewayProblem payloadTooLarge(String detail) {
		return new GatewayProblem(HttpStatus.PAYLOAD_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Payload too large",
				detail);
	}

}
