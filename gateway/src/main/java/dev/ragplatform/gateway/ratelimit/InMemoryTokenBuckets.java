package dev.ragplatform.gateway.ratelimit;

import java.time.Duration;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

/**
 * Token buckets in this replica's memory (the default: no Redis needed). With several replicas each enforces the
 * limit on its own share of the traffic; set {@code spring.data.redis.host} for one limit across all of them.
 * Idle buckets are dropped after ten minutes (they would be full again by then anyway, for any sane rate).
 */
final class InMemoryTokenBuckets implements TokenBuckets {

	private final double ratePerNano;

	private final double capacity;

	private final LongSupplier nanoTime;

	private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
		.expireAfterAccess(Duration.ofMinutes(10))
		.maximumSize(100_000)
		.build();

	InMemoryTokenBuckets(double replenishPerSecond, long capacity, LongSupplier nanoTime) {
		this.ratePerNano = replenishPerSecond / 1e9;
		this.capacity = capacity;
		this.nanoTime = nanoTime;
	}

	@Override
	public Mono<Decision> take(String caller, int tokens) {
		return Mono.just(takeNow(caller, tokens));
	}

	Decision takeNow(String caller) {
		return takeNow(caller, 1);
	}

	Decision takeNow(String caller, int tokens) {
		long now = this.nanoTime.getAsLong();
		return this.buckets.get(caller, (k) -> new Bucket(this.capacity, now)).take(now, Math.min(tokens, this.capacity));
	}

	@Override
	public String describe() {
		return "in memory, per replica";
	}

	private final class Bucket {

		private double tokens;

		private long updated;

		Bucket(double tokens, long updated) {
			this.tokens = tokens;
			this.updated = updated;
		}

		synchronized Decision take(long now, double wanted) {
			this.tokens = Math.min(InMemoryTokenBuckets.this.capacity,
					this.tokens + Math.max(0, now - this.updated) * InMemoryTokenBuckets.this.ratePerNano);
			this.updated = now;
			if (this.tokens >= wanted) {
				this.tokens -= wanted;
				return new Decision(true, 0);
			}
			double waitNanos = (wanted - this.tokens) / InMemoryTokenBuckets.this.ratePerNano;
			return new Decision(false, Math.max(1, (long) Math.ceil(waitNanos / 1e9)));
		}

	}

}
