package dev.ragplatform.runtime.batching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBudgetBatcherTests {

	private static final long LATER = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);

	private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

	/** Records each batch's lengths and answers each sequence with the sum of its ids. */
	private final Function<List<long[]>, List<Long>> summing = (ids) -> {
		this.batches.add(ids.stream().map((a) -> a.length).toList());
		return ids.stream().map((a) -> Arrays.stream(a).sum()).toList();
	};

	private TokenBudgetBatcher<long[], Long> batcher(Function<List<long[]>, List<Long>> runner, int maxBatchTokens,
			int maxBatchSize, long maxQueuedTokens) {
		return new TokenBudgetBatcher<>("rag.test", "t", runner, (ids) -> ids.length, maxBatchTokens, maxBatchSize,
				maxQueuedTokens, 1, new SimpleMeterRegistry());
	}

	private TokenBudgetBatcher<long[], Long> batcher(Function<List<long[]>, List<Long>> runner, int maxBatchTokens,
			long maxQueuedTokens) {
		return batcher(runner, maxBatchTokens, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT, maxQueuedTokens);
	}

	@Test
	void theMetersAreNamedAfterThePrefixAndTaggedWithTheModel() throws Exception {
		MeterRegistry meters = new SimpleMeterRegistry();
		try (var batcher = new TokenBudgetBatcher<>("rag.embedding", "m", this.summing, (long[] ids) -> ids.length,
				100, 8, 1000, 1, meters)) {
			TokenBudgetBatcher.await(batcher.submit(List.of(sequence(2), sequence(4)), LATER, false), LATER);
		}
		for (String name : List.of("queue.time", "inference.time", "batch.size", "batch.tokens",
				"batch.padding.ratio", "queue.tokens", "queue.capacity.tokens")) {
			assertThat(meters.find("rag.embedding." + name).tag("model", "m").meter()).as(name).isNotNull();
		}
		assertThat(meters.get("rag.embedding.batch.size").summary().totalAmount()).isEqualTo(2);
		assertThat(meters.get("rag.embedding.queue.capacity.tokens").gauge().value()).isEqualTo(1000);
		assertThat(meters.getMeters()).hasSize(7);
	}

	@Test
	void everyInputGetsItsOwnResultAndBatchesStayWithinTheBudgetSortedByLength() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Function<List<long[]>, List<Long>> gated = (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		};
		try (var batcher = batcher(gated, 40, 4, 10_000)) {
			List<long[]> inputs = new ArrayList<>();
			for (int len : new int[] { 9, 2, 7, 3, 10, 1, 5, 8, 4, 6 }) {
				inputs.add(sequence(len));
			}
			// a first input occupies the worker so that all the others are queued together
			List<CompletableFuture<Long>> warm = batcher.submit(List.of(sequence(1)), LATER, false);
			await(entered);
			List<CompletableFuture<Long>> futures = batcher.submit(inputs, LATER, false);
			release.countDown();
			warm.get(0).get(5, TimeUnit.SECONDS);
			for (int i = 0; i < inputs.size(); i++) {
				assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(Arrays.stream(inputs.get(i)).sum());
			}
		}
		assertThat(this.batches).allSatisfy((batch) -> {
			assertThat(batch).hasSizeLessThanOrEqualTo(4).isSorted();
			assertThat(batch.size() * Collections.max(batch)).isLessThanOrEqualTo(40);
		});
		assertThat(this.batches.get(0)).containsExactly(1);
		// what queued while the worker was busy formed one window: its batches run shortest first
		assertThat(this.batches.subList(1, this.batches.size()).stream().flatMap(List::stream).toList())
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@ParameterizedTest
	@ValueSource(ints = { 4, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT })
	void aRequestThatDoesNotFitTheQueueIsRefusedWithARetryAfter(int maxBatchSize) {
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			await(release);
			return this.summing.apply(ids);
		}, 10, maxBatchSize, 20)) {
			batcher.submit(List.of(sequence(15)), LATER, false);
			assertThatThrownBy(() -> batcher.submit(List.of(sequence(6)), LATER, false))
				.isInstanceOf(QueueFullException.class)
				.satisfies((ex) -> assertThat(((QueueFullException) ex).retryAfterSeconds()).isPositive());
			release.countDown();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 4, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT })
	void anOversizedRequestStillRunsThroughAnEmptyQueue(int maxBatchSize) throws Exception {
		try (var batcher = batcher(this.summing, 10, maxBatchSize, 20)) {
			assertThat(batcher.submit(List.of(sequence(30)), LATER, false).get(0).get(5, TimeUnit.SECONDS))
				.isEqualTo(465L);
		}
	}

	@Test
	void workPastItsDeadlineOrCancelledIsDroppedBeforeInference() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 100, 8, 1000)) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER, false).get(0);
			await(entered); // the worker is busy: what follows waits in the queue
			// admitted (the queue is short), but its deadline passes while it waits
			CompletableFuture<Long> expired = batcher
				.submit(List.of(sequence(2)), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), false)
				.get(0);
			CompletableFuture<Long> cancelled = batcher.submit(List.of(sequence(3)), LATER, false).get(0);
			CompletableFuture<Long> live = batcher.submit(List.of(sequence(4)), LATER, false).get(0);
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

	@ParameterizedTest
	@ValueSource(ints = { 8, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT })
	void urgentInputsGoAheadOfTheBacklogAndTakeARoundOfTheirOwn(int maxBatchSize) throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 20, maxBatchSize, 10_000)) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER, false).get(0);
			await(entered); // the worker is busy: what follows waits in the queue
			List<long[]> backlog = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				backlog.add(sequence(10));
			}
			List<CompletableFuture<Long>> bulk = batcher.submit(backlog, LATER, false);
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
		assertThat(this.batches.subList(2, this.batches.size())).hasSize(6)
			.allSatisfy((batch) -> assertThat(batch).containsExactly(10, 10));
	}

	@ParameterizedTest
	@ValueSource(ints = { 8, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT })
	void closeWaitsForTheRunningBatchSoTheModelCanBeClosedAfterIt(int maxBatchSize) throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		var batcher = batcher((ids) -> {
			entered.countDown();
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300); // native inference ignores interrupts
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			finished.set(true);
			return this.summing.apply(ids);
		}, 100, maxBatchSize, 1000);
		CompletableFuture<Long> running = batcher.submit(List.of(sequence(2)), LATER, false).get(0);
		await(entered);
		batcher.close();
		assertThat(finished).isTrue();
		assertThat(running.get(1, TimeUnit.SECONDS)).isEqualTo(3L);
	}

	@ParameterizedTest
	@ValueSource(ints = { 32, TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT })
	void aRequestThatWouldWaitPastItsDeadlineIsRefusedAtOnceUnlessUrgent(int maxBatchSize) {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 1000, maxBatchSize, 1_000_000)) {
			batcher.submit(List.of(sequence(1)), LATER, false);
			await(entered);
			List<long[]> backlog = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				backlog.add(sequence(1000));
			}
			batcher.submit(backlog, LATER, false); // 20,000 tokens: about 10 s at the initial 2,000 tokens/s
			long inOneSecond = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
			assertThatThrownBy(() -> batcher.submit(List.of(sequence(10)), inOneSecond, false))
				.isInstanceOf(QueueFullException.class)
				.satisfies(
						(ex) -> assertThat(((QueueFullException) ex).retryAfterSeconds()).isGreaterThanOrEqualTo(5));
			assertThat(batcher.submit(List.of(sequence(10)), inOneSecond, true)).hasSize(1);
			assertThat(batcher.submit(List.of(sequence(10)), LATER, false)).hasSize(1);
			release.countDown();
		}
	}

	@Test
	void everySequenceGetsItsOwnResultInInputOrderAndBatchesStayWithinTheBudgetSortedByLength() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Function<List<long[]>, List<Long>> gated = (ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		};
		try (var batcher = batcher(gated, 40, 10_000)) {
			List<long[]> inputs = new ArrayList<>();
			for (int len : new int[] { 9, 2, 7, 3, 10, 1, 5, 8, 4, 6 }) {
				inputs.add(sequence(len));
			}
			// a first sequence occupies the worker so that all the others are queued together
			List<CompletableFuture<Long>> warm = batcher.submit(List.of(sequence(1)), LATER, false);
			await(entered);
			List<CompletableFuture<Long>> futures = batcher.submit(inputs, LATER, false);
			release.countDown();
			warm.get(0).get(5, TimeUnit.SECONDS);
			assertThat(TokenBudgetBatcher.await(futures, LATER))
				.containsExactlyElementsOf(inputs.stream().map((ids) -> Arrays.stream(ids).sum()).toList());
		}
		assertThat(this.batches).allSatisfy((batch) -> {
			assertThat(batch).isSorted();
			assertThat(batch.size() * Collections.max(batch)).isLessThanOrEqualTo(40);
		});
		assertThat(this.batches.get(0)).containsExactly(1);
		assertThat(this.batches.subList(1, this.batches.size()).stream().flatMap(List::stream).toList())
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@Test
	void aRequestLargerThanTheWindowIsStillQueuedShortestFirst() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 10, 10_000)) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER, false).get(0);
			await(entered);
			List<long[]> inputs = new ArrayList<>();
			for (int len : new int[] { 9, 2, 8, 3, 10, 1, 7, 4, 6, 5, 9, 2 }) {
				inputs.add(sequence(len));
			}
			List<CompletableFuture<Long>> futures = batcher.submit(inputs, LATER, false);
			release.countDown();
			blocker.get(5, TimeUnit.SECONDS);
			TokenBudgetBatcher.await(futures, LATER);
		}
		// windows of 4 batches' worth (40 tokens) each run sorted, and the request was queued sorted: all in order
		assertThat(this.batches.subList(1, this.batches.size()).stream().flatMap(List::stream).toList()).isSorted();
	}

	@Test
	void workPastItsDeadlineOrCancelledIsDroppedBeforeInferenceWhenAwaitGivesUpFirst() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (var batcher = batcher((ids) -> {
			entered.countDown();
			await(release);
			return this.summing.apply(ids);
		}, 100, 1000)) {
			CompletableFuture<Long> blocker = batcher.submit(List.of(sequence(1)), LATER, false).get(0);
			await(entered); // the worker is busy: what follows waits in the queue
			long soon = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
			List<CompletableFuture<Long>> expired = batcher.submit(List.of(sequence(2)), soon, false);
			CompletableFuture<Long> cancelled = batcher.submit(List.of(sequence(3)), LATER, false).get(0);
			CompletableFuture<Long> live = batcher.submit(List.of(sequence(4)), LATER, false).get(0);
			cancelled.cancel(false);
			assertThatThrownBy(() -> TokenBudgetBatcher.await(expired, soon))
				.isInstanceOf(DeadlineExceededException.class);
			release.countDown();
			blocker.get(5, TimeUnit.SECONDS);
			assertThat(live.get(5, TimeUnit.SECONDS)).isEqualTo(10L);
			assertThatThrownBy(() -> expired.get(0).get(5, TimeUnit.SECONDS))
				.isInstanceOfAny(ExecutionException.class, CancellationException.class);
		}
		assertThat(this.batches.stream().flatMap(List::stream).toList()).containsExactly(1, 4);
	}

	@Test
	void aFailingBatchFailsItsSequencesNotTheWorker() throws Exception {
		AtomicBoolean fail = new AtomicBoolean(true);
		try (var batcher = batcher((ids) -> {
			if (fail.getAndSet(false)) {
				throw new IllegalStateException("boom");
			}
			return this.summing.apply(ids);
		}, 100, 1000)) {
			assertThatThrownBy(
					() -> TokenBudgetBatcher.await(batcher.submit(List.of(sequence(2)), LATER, false), LATER))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("boom");
			assertThat(TokenBudgetBatcher.await(batcher.submit(List.of(sequence(3)), LATER, false), LATER))
				.containsExactly(6L);
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
