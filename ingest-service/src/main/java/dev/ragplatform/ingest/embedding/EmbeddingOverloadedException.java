package dev.ragplatform.ingest.embedding;

import java.time.Duration;

/**
 * embedding-service is busy (429 with {@code Retry-After}): back-pressure, not a failure. The call is repeated
 * after the advised wait; it neither counts against the circuit breaker nor uses up retry attempts.
 */
class EmbeddingOverloadedException extends RuntimeException {

	private final Duration retryAfter;

	EmbeddingOverloadedException(Duration retryAfter) {
		super("embedding-service is busy: retry in " + retryAfter.toSeconds() + " s", null, false, false);
		this.retryAfter = retryAfter;
	}

	Duration retryAfter() {
		return this.retryAfter;
	}

}
