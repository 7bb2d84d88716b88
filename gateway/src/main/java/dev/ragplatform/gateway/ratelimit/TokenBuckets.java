package dev.ragplatform.gateway.ratelimit;

import reactor.core.publisher.Mono;

/** One token bucket per caller: each request takes a token. */
interface TokenBuckets {

	/** Takes {@code tokens} (at most the bucket's capacity) from the caller's bucket, or none when there are fewer. */
	Mono<Decision> take(String caller, int tokens);

	/** Where the buckets live, for the start-up log. */
	String describe();

	/**
	 * @param allowed whether the request may go on
	 * @param retryAfterSeconds when refused: when a token will be there (at least 1)
	 */
	record Decision(boolean allowed, long retryAfterSeconds) {
	}

}
