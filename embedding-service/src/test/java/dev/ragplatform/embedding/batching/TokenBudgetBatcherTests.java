package dev.ragplatform.embedding.batching;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBudgetBatcherTests {

	private static final long LATER = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);

	private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

	/** Records each batch's lengths and answers each input with the sum of its ids. */
	private final Function<List<long[]>, List<Long>> summing = (ids) -> {
		this.batches.add(ids.stream().map((a) -> a.length).toList());
		return ids.stream().map((a) -> java.util.Arrays.stream(a).sum()).toList();
	};

	@Test
	void everyInputGetsItsOwnResultAndBatchesStayWithinTheBudgetSortedByLength() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Function<List<long[]>, List<Long>> gated = (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		};
		try (var batcher = new TokenBudgetBatcher<>("t", gated, 40, 4, 10_000, 1, new SimpleMeterRegistry())) {
			List<long[]> inputs = new ArrayList<>();
			for (int len : new int[] { 9, 2, 7, 3, 10, 1, 5, 8, 4, 6 }) {
				inputs.add(sequence(len));
			}
			// a first input occupies the worker so that all the others are queued together
			List<CompletableFuture<Long>> warm = batcher.submit(List.of(sequence(1)), LATER);
			await(entered);
			List<CompletableFuture<Long>> futures = batcher.submit(inputs, LATER);
			release.countDown();
			warm.get(0).get(5, TimeUnit.SECONDS);
			for (int i = 0; i < inputs.size(); i++) {
				assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(java.util.Arrays.stream(inputs.get(i)).sum());
			}
		}
		assertThat(this.batches).allSatisfy((batch) -> {
			assertThat(batch).hasSizeLessThanOrEqualTo(4).isSorted();
			assertThat(batch.size() * java.util.Collections.max(batch)).isLessThanOrEqualTo(40);
		});
		assertThat(this.batches.get(0)).containsExactly(1);
		// what queued while the worker was busy formed one window: its batches run shortest first
		assertThat(this.batches.subList(1, this.batches.size()).stream().flatMap(List::stream).toList())
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@Test
	void aRequestThatDoesNotFitTheQueueIsRefusedWithARetryAfter() {
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = new TokenBudgetBatcher<>("t", (ids) -> {
			await(release);
			return this.summing.apply(ids);
		}, 10, 4, 20, 1, new SimpleMeterRegistry())) {
			batcher.submit(List.of(sequence(15)), LATER);
			assertThatThrownBy(() -> batcher.submit(List.of(sequence(6)), LATER)).isInstanceOf(QueueFullException.class)
				.satisfies((ex) -> assertThat(((QueueFullException) ex).retryAfterSeconds()).isPositive());
			release.countDown();
		}
	}

	@Test
	void anOversizedRequestStillRunsThroughAnEmptyQueue() throws Exception {
		try (var batcher = new TokenBudgetBatcher<>("t", this.summing, 10, 4, 20, 1, new SimpleMeterRegistry())) {
			assertThat(batcher.submit(List.of(sequence(30)), LATER).get(0).get(5, TimeUnit.SECONDS)).isEqualTo(465L);
		}
	}

	@Test
	void workPastItsDeadlineOrCancelledIsDroppedBeforeInference() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = new TokenBudgetBatcher<>("t", (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 100, 8, 1000, 1, new SimpleMeterRegistry())) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER).get(0);
			await(entered); // the worker is busy: what follows waits in the queue
			// admitted (the queue is short), but its deadline passes while it waits
			CompletableFuture<Long> expired = batcher
				.submit(List.of(sequence(2)), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))
				.get(0);
			CompletableFuture<Long> cancelled = batcher.submit(List.of(sequence(3)), LATER).get(0);
			CompletableFuture<Long> live = batcher.submit(List.of(sequence(4)), LATER).get(0);
			cancelled.cancel(false);
			Thread.sleep(100);
			release.countDown();
			blocker.get(5, TimeUnit.SECONDS);
			assertThat(live.get(5, TimeUnit.SECONDS)).isEqualTo(10L);
			assertThatThrownBy(() -> expired.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(DeadlineExceededException.class);
		}
		assertThat(this.batches.stream().flatMap(List::stream).toList()).containsExactly(1, 4);
	}

	@Test
	void urgentInputsGoAheadOfTheBacklogAndTakeARoundOfTheirOwn() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = new TokenBudgetBatcher<>("t", (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 20, 8, 10_000, 1, new SimpleMeterRegistry())) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER).get(0);
			await(entered); // the worker is busy: what follows waits in the queue
			List<long[]> backlog = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				backlog.add(sequence(10));
			}
			List<CompletableFuture<Long>> bulk = batcher.submit(backlog, LATER);
			CompletableFuture<Long> query = batcher.submit(List.of(sequence(3)), LATER, true).get(0);
			CompletableFuture<Long> laterQuery = batcher.submit(List.of(sequence(5)), LATER, true).get(0);
			release.countDown();
			blocker.get(5, TimeUnit.SECONDS);
			assertThat(query.get(5, TimeUnit.SECONDS)).isEqualTo(6L);
			assertThat(laterQuery.get(5, TimeUnit.SECONDS)).isEqualTo(15L);
			for (CompletableFuture<Long> future : bulk) {
				assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo(55L);
			}
		}
		// after the blocker, the two queries run first, alone in their batch; then the backlog, in batches of 2
		assertThat(this.batches.get(0)).containsExactly(1);
		assertThat(this.batches.get(1)).containsExactly(3, 5);
		assertThat(this.batches.subList(2, this.batches.size())).hasSize(6).allSatisfy((batch) -> assertThat(batch)
			.containsExactly(10, 10));
	}

	@Test
	void closeWaitsForTheRunningBatchSoTheEncoderCanBeClosedAfterIt() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
		var batcher = new TokenBudgetBatcher<>("t", (ids) -> {
			entered.countDown();
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300); // native inference ignores interrupts
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			finished.set(true);
			return this.summing.apply(ids);
		}, 100, 8, 1000, 1, new SimpleMeterRegistry());
		CompletableFuture<Long> running = batcher.submit(List.of(sequence(2)), LATER).get(0);
		await(entered);
		batcher.close();
		assertThat(finished).isTrue();
		assertThat(running.get(1, TimeUnit.SECONDS)).isEqualTo(3L);
	}

	@Test
	void aRequestThatWouldWaitPastItsDeadlineIsRefusedAtOnceUnlessUrgent() {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = new TokenBudgetBatcher<>("t", (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 1000, 32, 1_000_000, 1, new SimpleMeterRegistry())) {
			batcher.submit(List.of(sequence(1)), LATER);
			await(entered);
			List<long[]> backlog = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				backlog.add(sequence(1000));
			}
			batcher.submit(backlog, LATER); // 20,000 tokens: about 10 s at the initial estimate of 2,000 tokens/s
			long inOneSecond = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
			assertThatThrownBy(() -> batcher.submit(List.of(sequence(10)), inOneSecond))
				.isInstanceOf(QueueFullException.class)
				.satisfies((ex) -> assertThat(((QueueFullException) ex).retryAfterSeconds()).isGreaterThanOrEqualTo(5));
			assertThat(batcher.submit(List.of(sequence(10)), inOneSecond, true)).hasSize(1);
			assertThat(batcher.submit(List.of(sequence(10)), LATER)).hasSize(1);
			release.countDown();
		}
	}

	private static long[] sequence(int length) {
		long[] ids = new long[length];
		for (int i = 0; i < length; i++) {
			ids[i] = i + 1;
		}
		return ids;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
