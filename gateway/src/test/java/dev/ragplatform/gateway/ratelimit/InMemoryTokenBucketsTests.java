package dev.ragplatform.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryTokenBucketsTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final InMemoryTokenBuckets buckets = new InMemoryTokenBuckets(2, 3, this.now::get);

	@Test
	void allowsABurstThenRefusesUntilATokenIsBack() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.buckets.takeNow("k").allowed()).isTrue();
		}
		TokenBuckets.Decision refused = this.buckets.takeNow("k");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfterSeconds()).isEqualTo(1);

		this.now.addAndGet(500_000_000L); // 2 tokens/s: one is back after 0.5 s
		assertThat(this.buckets.takeNow("k").allowed()).isTrue();
		assertThat(this.buckets.takeNow("k").allowed()).isFalse();
	}

	@Test
	void aCostlyRequestTakesItsCostAndWaitsForAllOfIt() {
		assertThat(this.buckets.takeNow("k", 2).allowed()).isTrue();
		TokenBuckets.Decision refused = this.buckets.takeNow("k", 2);
		assertThat(refused.allowed()).as("one token left, two wanted").isFalse();
		assertThat(refused.retryAfterSeconds()).isEqualTo(1);
		assertThat(this.buckets.takeNow("k").allowed()).as("a refusal takes nothing").isTrue();
		this.now.addAndGet(2_000_000_000L); // full again: 3 tokens
		assertThat(this.buckets.takeNow("k", 50).allowed()).as("a cost above the capacity takes it all").isTrue();
		assertThat(this.buckets.takeNow("k").allowed()).isFalse();
	}

	@Test
	void eachCallerHasItsOwnBucket() {
		for (int i = 0; i < 3; i++) {
			this.buckets.takeNow("a");
		}
		assertThat(this.buckets.takeNow("a").allowed()).isFalse();
		assertThat(this.buckets.takeNow("b").allowed()).isTrue();
	}

	@Test
	void aQuietBucketRefillsOnlyToItsCapacity() {
		this.buckets.takeNow("k");
		this.now.addAndGet(3_600_000_000_000L);
		for (int i = 0; i < 3; i++) {
			assertThat(this.buckets.takeNow("k").allowed()).isTrue();
		}
		assertThat(this.buckets.takeNow("k").allowed()).isFalse();
	}

	@Test
	void retryAfterCoversASlowRate() {
		InMemoryTokenBuckets slow = new InMemoryTokenBuckets(1, 1, this.now::get);
		slow.takeNow("k");
		this.now.addAndGet(100_000_000L);
		assertThat(slow.takeNow("k").retryAfterSeconds()).isEqualTo(1);
	}

}
