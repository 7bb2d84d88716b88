package dev.ragplatform.contracts.problem;

import java.net.URI;

/**
 * Stable RFC 9457 problem {@code type} URIs shared by every service. Clients may switch on them; they never change
 * meaning once published.
 */
public final class ProblemTypes {

	public static final String BASE = "https://ragplatform.dev/problems/";

	/** The request is malformed or fails validation (400). */
	public static final URI INVALID_REQUEST = URI.create(BASE + "invalid-request");

	/** The caller may not do this (403). */
	public static final URI FORBIDDEN = URI.create(BASE + "forbidden");

	/** The addressed resource does not exist (404). */
	public static final URI NOT_FOUND = URI.create(BASE + "not-found");

	/** The request conflicts with the current state, e.g. a name already taken (409). */
	public static final URI CONFLICT = URI.create(BASE + "conflict");

	/** The request is larger than the service accepts (413). */
	public static final URI PAYLOAD_TOO_LARGE = URI.create(BASE + "payload-too-large");

	/** The media type of the request body is not supported (415). */
	public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "unsupported-media-type");

	/** The caller sent too many requests (429). */
	public static final URI RATE_LIMITED = URI.create(BASE + "rate-limited");

	/** The service is at capacity or the request's deadline passed in its queue; retry after Retry-After (429, 503). */
	public static final URI OVERLOADED = URI.create(BASE + "overloaded");

	/** A service this request depends on is unavailable; retry later (503). */
	public static final URI DEPENDENCY_UNAVAILABLE = URI.create(BASE + "dependency-unavailable");

	private ProblemTypes() {
	}

}
