package dev.ragplatform.runtime.problem;

import java.net.URI;
import java.util.Map;

import dev.ragplatform.contracts.problem.ProblemTypes;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.RestClientResponseException;

/**
 * An RFC 9457 problem a service answers: a status, a stable {@code type} from {@link ProblemTypes}, a title and a
 * detail written for the caller. The factories cover what every service answers; a service with more to say
 * (the model services tag their request counter with an outcome) extends it.
 */
public class ServiceProblem extends ErrorResponseException {

	/** The outcome tag when the status alone does not say it. */
	private String outcome;

	protected ServiceProblem(HttpStatusCode status, URI type, String title, String detail) {
		super(status, problem(status, type, title, detail), null);
	}

	/** A problem document with the given parts. */
	public static ProblemDetail problem(HttpStatusCode status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	public static ServiceProblem of(HttpStatusCode status, URI type, String title, String detail) {
		return new ServiceProblem(status, type, title, detail);
	}

	public static ServiceProblem badRequest(String detail) {
		return of(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
	}

	public static ServiceProblem forbidden(String detail) {
		return of(HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Forbidden", detail);
	}

	public static ServiceProblem notFound(String detail) {
		return of(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
	}

	public static ServiceProblem conflict(String detail) {
		return of(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", detail);
	}

	/** 413, titled for what was too large ("Document too large"). */
	public static ServiceProblem tooLarge(String title, String detail) {
		return of(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, title, detail);
	}

	public static ServiceProblem unsupportedType(String title, String detail) {
		return of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE, title, detail);
	}

	/** 422: well-formed but not acceptable ("Empty document"). */
	public static ServiceProblem unprocessable(String title, String detail) {
		return of(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.INVALID_REQUEST, title, detail);
	}

	/** 429 with {@code Retry-After}. */
	public static ServiceProblem tooManyRequests(String detail, long retryAfterSeconds) {
		return of(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.OVERLOADED, "Too many requests", detail)
			.retryAfter(retryAfterSeconds);
	}

	/** 503: a service this one needs did not answer, or answered that it could not. */
	public static ServiceProblem dependencyUnavailable(String detail) {
		return of(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.DEPENDENCY_UNAVAILABLE, "Dependency unavailable",
				detail);
	}

	/**
	 * 429: a work queue is full; {@code Retry-After} and the {@code retryAfterSeconds} property say when to come
	 * back.
	 */
	public static ServiceProblem overloaded(String detail, long retryAfterSeconds) {
		ServiceProblem problem = of(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.OVERLOADED, "Overloaded", detail)
			.retryAfter(retryAfterSeconds);
		problem.getBody().setProperty("retryAfterSeconds", retryAfterSeconds);
		return problem;
	}

	/** 503: the work was not done within its deadline and was dropped; counted with outcome {@code timeout}. */
	public static ServiceProblem deadlineExceeded(String detail) {
		ServiceProblem problem = of(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED, "Deadline exceeded",
				detail).retryAfter(1);
		problem.outcome = "timeout";
		return problem;
	}

	/** Sets {@code Retry-After}; returns this problem. */
	public ServiceProblem retryAfter(long seconds) {
		getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
		return this;
	}

	public String detail() {
		return getBody().getDetail();
	}

	/**
	 * The outcome tag of a request counter ({@code RequestMeter}): {@code invalid} (400, 404, 415, 422),
	 * {@code too_large} (413), {@code overloaded} (429), {@code unavailable} (503; {@code timeout} for {@link #deadlineExceeded}), else
	 * {@code error}.
	 */
	public String outcome() {
		if (this.outcome != null) {
			return this.outcome;
		}
		return switch (getStatusCode().value()) {
			case 400, 404, 415, 422 -> "invalid";
			case 413 -> "too_large";
			case 429 -> "overloaded";
			case 503 -> "unavailable";
			default -> "error";
		};
	}

	/** The {@code detail} of another service's problem answer, else its status text. */
	public static String detailOf(RestClientResponseException ex) {
		try {
			Map<?, ?> problem = ex.getResponseBodyAs(Map.class);
			if (problem != null && problem.get("detail") instanceof String detail) {
				return detail;
			}
		}
		catch (RuntimeException ignored) {
			// not a problem document
		}
		return ex.getStatusText();
	}

}
