package dev.ragplatform.gateway.ratelimit;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;

/**
 * Token buckets in Redis, shared by every replica: Spring Cloud Gateway's {@link RedisRateLimiter} (its atomic Lua
 * script), one bucket per caller under the route id {@code api}. When Redis fails the limiter lets requests through
 * and logs the error (Spring Cloud Gateway's choice: a rate limiter should not take the platform down).
 */
final class RedisTokenBuckets implements TokenBuckets {

	static final String ROUTE = "api";

	private final RedisRateLimiter limiter;

	private final long retryAfterSeconds;

	private final String where;

	RedisTokenBuckets(RedisRateLimiter limiter, double replenishPerSecond, String where) {
		this.limiter = limiter;
		this.retryAfterSeconds = Math.max(1, (long) Math.ceil(1 / replenishPerSecond));
		this.where = where;
	}

	@Override
	public Mono<Decision> take(String caller) {
		return this.limiter.isAllowed(ROUTE, caller)
			.map((response) -> new Decision(response.isAllowed(), response.isAllowed() ? 0 : this.retryAfterSeconds));
	}

	@Override
	public String describe() {
		return "in Redis at " + this.where + ", shared by all replicas";
	}

}
