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

	private final double replenishPerSecond;

	private final long capacity;

	RedisTokenBuckets(RedisRateLimiter limiter, double replenishPerSecond, long capacity, String where) {
		this.limiter = limiter;
		this.replenishPerSecond = replenishPerSecond;
		this.capacity = capacity;
		this.retryAfterSeconds = Math.max(1, (long) Math.ceil(1 / replenishPerSecond));
		this.where = where;
	}

	@Override
	public Mono<Decision> take(String caller, int tokens) {
		int wanted = (int) Math.min(tokens, this.capacity);
		String route = ROUTE;
		if (wanted > 1) {
			// the script's keys are the caller's alone: a config of the same rates asking for more tokens takes
			// them from the same bucket
			route = ROUTE + "-" + wanted;
			this.limiter.getConfig().computeIfAbsent(route, (id) -> new RedisRateLimiter.Config()
				.setReplenishRate((int) this.replenishPerSecond)
				.setBurstCapacity((int) this.capacity)
				.setRequestedTokens(wanted));
		}
		long retryAfter = Math.max(this.retryAfterSeconds, (long) Math.ceil(wanted / this.replenishPerSecond));
		return this.limiter.isAllowed(route, caller)
			.map((response) -> new Decision(response.isAllowed(), response.isAllowed() ? 0 : retryAfter));
	}

	@Override
	public String describe() {
		return "in Redis at " + this.where + ", shared by all replicas";
	}

}
