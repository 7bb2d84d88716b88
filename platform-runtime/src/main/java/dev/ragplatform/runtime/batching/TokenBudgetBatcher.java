package dev.ragplatform.runtime.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Dynamic batching of sequences (a text's token ids, query–passage pairs, ...) across concurrent requests under a
 * padded token budget, in the manner of TEI; embedding-service and rerank-service run one per model.
 * <p>
 * The sequences of all requests wait in one queue. Each worker (one or a few threads, each running inferences of
 * its own) takes what is queued (up to a window of a few batches' worth of tokens), drops what is past its deadline
 * or no longer awaited, sorts the rest by length so that sequences of similar length share a batch (little
 * padding), and cuts batches whose padded size ({@code count × longest}) stays within {@code maxBatchTokens} (and,
 * if set, whose count stays within {@code maxBatchSize}). A request's own sequences are queued shortest first, so
 * even a window smaller than the request holds runs of similar length. The queue is bounded in tokens: a request
 * that does not fit, or that would wait past its deadline behind what is queued, is refused at once with an
 * estimate of when to retry, instead of waiting without bound or timing out after using the workers' time.
 * <p>
 * Urgent sequences go ahead of everything else queued, and a scheduling round that starts with an urgent one takes
 * only urgent ones, so an urgent sequence waits at most for the batches already running, not for the backlog:
 * search queries (a user waits) do not wait behind bulk indexing, and a late-interaction request's query, which is
 * encoded before its passages can be scored, does not wait behind the passages of other requests. Within a
 * priority, sequences are taken in arrival order.
 *
 * @param <I> one sequence to run
 * @param <R> its result
 */
public final class TokenBudgetBatcher<I, R> implements AutoCloseable {

	/** {@code maxBatchSize} for no limit but the token budget. */
	public static final int NO_BATCH_SIZE_LIMIT = Integer.MAX_VALUE;

	/** How many batches' worth of queued tokens one scheduling round considers (room to sort by length). */
	static final int WINDOW_BATCHES = 4;

	private final String name;

	private final Function<List<I>, List<R>> runner;

	private final ToIntFunction<I> length;

	private final int maxBatchTokens;

	private final int maxBatchSize;

	private final long maxQueuedTokens;

	private final BlockingQueue<Item<I, R>> queue = new PriorityBlockingQueue<>(64,
			Comparator.comparing((Item<I, R> item) -> !item.urgent()).thenComparingLong(Item::sequence));

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong queuedTokens = new AtomicLong();

	/** Exponentially weighted tokens per second of one worker's inference, for Retry-After estimates. */
	private volatile double tokensPerSecond = 2000;

	private final List<Thread> workers;

	private volatile boolean running = true;

	private final Timer queueTime;

	private final Timer inferenceTime;

	private final DistributionSummary batchSize;

	private final DistributionSummary batchTokens;

	private final DistributionSummary paddingRatio;

	/**
	 * @param metricPrefix the meters' names start with it ({@code rag.embedding} → {@code rag.embedding.queue.time},
	 * {@code .inference.time}, {@code .batch.size}, {@code .batch.tokens}, {@code .batch.padding.ratio},
	 * {@code .queue.tokens}), each tagged {@code model=name}
	 * @param name the model's name (meter tag, worker thread names)
	 * @param runner runs one batch, returning one result per sequence in order
	 * @param length a sequence's token count
	 * @param maxBatchSize the most sequences one batch may hold, or {@link #NO_BATCH_SIZE_LIMIT}
	 */
	public TokenBudgetBatcher(String metricPrefix, String name, Function<List<I>, List<R>> runner,
			ToIntFunction<I> length, int maxBatchTokens, int maxBatchSize, long maxQueuedTokens, int workers,
			MeterRegistry meters) {
		if (maxBatchTokens < 1 || maxBatchSize < 1 || maxQueuedTokens < maxBatchTokens || workers < 1) {
			throw new IllegalArgumentException("need maxBatchTokens >= 1, maxBatchSize >= 1, workers >= 1 and "
					+ "maxQueuedTokens >= maxBatchTokens");
		}
		this.name = name;
		this.runner = runner;
		this.length = length;
		this.maxBatchTokens = maxBatchTokens;
		this.maxBatchSize = maxBatchSize;
		this.maxQueuedTokens = maxQueuedTokens;
		this.queueTime = Timer.builder(metricPrefix + ".queue.time").description("Time sequences wait for a batch")
			.tag("model", name).publishPercentileHistogram().register(meters);
		this.inferenceTime = Timer.builder(metricPrefix + ".inference.time")
			.description("Time of one batch's inference").tag("model", name).publishPercentileHistogram()
			.register(meters);
		this.batchSize = DistributionSummary.builder(metricPrefix + ".batch.size").description("Sequences per batch")
			.tag("model", name).register(meters);
		this.batchTokens = DistributionSummary.builder(metricPrefix + ".batch.tokens")
			.description("Padded tokens per batch (sequences × longest)").tag("model", name).register(meters);
		this.paddingRatio = DistributionSummary.builder(metricPrefix + ".batch.padding.ratio")
			.description("Share of a batch's tokens that are padding").tag("model", name).register(meters);
		meters.gauge(metricPrefix + ".queue.tokens", Tags.of("model", name), this.queuedTokens, AtomicLong::get);
		// what the queue holds at most (beyond it callers get 429): the alert's "queue full" is tokens / capacity
		Gauge.builder(metricPrefix + ".queue.capacity.tokens", () -> maxQueuedTokens).tags(Tags.of("model", name))
			.register(meters);
		List<Thread> threads = new ArrayList<>(workers);
		for (int i = 0; i < workers; i++) {
			threads.add(Thread.ofPlatform().name("batcher-" + name + "-" + i).daemon().start(this::run));
		}
		this.workers = List.copyOf(threads);
	}

	/**
	 * Queues one request's sequences; each future completes with its sequence's result (in input order), or
	 * exceptionally with {@link DeadlineExceededException}. Cancel the futures when the caller stops waiting (as
	 * {@link #await} does).
	 * @param urgent whether the sequences go ahead of all non-urgent ones queued
	 * @throws QueueFullException when the sequences do not fit in the queue now
	 */
	public List<CompletableFuture<R>> submit(List<I> inputs, long deadlineNanos, boolean urgent) {
		int[] lengths = new int[inputs.size()];
		long tokens = 0;
		for (int i = 0; i < lengths.length; i++) {
			lengths[i] = this.length.applyAsInt(inputs.get(i));
			tokens += lengths[i];
		}
		reserve(tokens, urgent ? Long.MAX_VALUE : deadlineNanos - System.nanoTime());
		long now = System.nanoTime();
		Integer[] order = new Integer[lengths.length];
		Arrays.setAll(order, (i) -> i);
		Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]));
		List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
		for (int i = 0; i < lengths.length; i++) {
			futures.add(new CompletableFuture<>());
		}
		for (int i : order) { // shortest first: neighbours in the queue have similar lengths
			this.queue.add(new Item<>(inputs.get(i), lengths[i], now, deadlineNanos, urgent,
					this.sequence.incrementAndGet(), futures.get(i)));
		}
		return futures;
	}

	/**
	 * Waits for the futures of one request until its deadline, then cancels what is left (work nobody waits for is
	 * dropped by the workers).
	 * @throws DeadlineExceededException when the deadline passes first
	 */
	public static <R> List<R> await(List<CompletableFuture<R>> futures, long deadlineNanos) {
		List<R> results = new ArrayList<>(futures.size());
		try {
			for (CompletableFuture<R> future : futures) {
				results.add(future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
			}
			return results;
		}
		catch (TimeoutException | CancellationException ex) {
			throw new DeadlineExceededException();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof DeadlineExceededException deadline) {
				throw deadline;
			}
			throw new IllegalStateException("inference failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeadlineExceededException();
		}
		finally {
			futures.forEach((future) -> future.cancel(false));
		}
	}

	/**
	 * Admits a request's tokens, or refuses it at once: when the queue is full, and when the work queued ahead of it
	 * would outlast its deadline at the measured speed. Sequences that would time out anyway are never run, so an
	 * overloaded service does not waste its time on answers nobody waits for (and their clients' retries).
	 */
	private void reserve(long tokens, long patienceNanos) {
		while (true) {
			long queued = this.queuedTokens.get();
			// one oversized request is let through an empty queue, so no valid request can never run
			if (queued > 0 && queued + tokens > this.maxQueuedTokens) {
				throw new QueueFullException(this.name, retryAfterSeconds(queued));
			}
			double seconds = (queued + tokens) / Math.max(1.0, this.tokensPerSecond * this.workers.size());
			if (queued > 0 && seconds * 1e9 > patienceNanos) {
				throw new QueueFullException(this.name, retryAfterSeconds(queued));
			}
			if (this.queuedTokens.compareAndSet(queued, queued + tokens)) {
				return;
			}
		}
	}

	private long retryAfterSeconds(long queued) {
		return Math.max(1, (long) Math.ceil(queued / Math.max(1.0, this.tokensPerSecond * this.workers.size())));
	}

	private void run() {
		List<Item<I, R>> window = new ArrayList<>();
		while (this.running) {
			try {
				Item<I, R> first = this.queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				window.add(first);
				long windowTokens = first.tokens();
				Item<I, R> next;
				while (windowTokens < (long) WINDOW_BATCHES * this.maxBatchTokens && (next = this.queue.peek()) != null
						&& (next.urgent() || !first.urgent()) && this.queue.remove(next)) {
					window.add(next);
					windowTokens += next.tokens();
				}
				process(window);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				window.forEach((item) -> item.result().completeExceptionally(ex));
			}
			finally {
				window.forEach((item) -> this.queuedTokens.addAndGet(-item.tokens()));
				window.clear();
			}
		}
	}

	private void process(List<Item<I, R>> window) {
		long now = System.nanoTime();
		List<Item<I, R>> live = new ArrayList<>(window.size());
		for (Item<I, R> item : window) {
			if (item.result().isDone()) {
				continue; // the caller gave up (cancelled)
			}
			if (now - item.deadlineNanos() > 0) {
				item.result().completeExceptionally(new DeadlineExceededException());
				continue;
			}
			live.add(item);
		}
		live.sort(Comparator.comparingInt(Item::tokens));
		int start = 0;
		while (start < live.size()) {
			int end = start;
			int longest = 0;
			while (end < live.size() && end - start < this.maxBatchSize) {
				int candidate = Math.max(longest, live.get(end).tokens());
				if (end > start && (long) candidate * (end - start + 1) > this.maxBatchTokens) {
					break;
				}
				longest = candidate;
				end++;
			}
			runBatch(live.subList(start, end), longest);
			start = end;
		}
	}

	private void runBatch(List<Item<I, R>> batch, int longest) {
		long started = System.nanoTime();
		List<I> inputs = new ArrayList<>(batch.size());
		long real = 0;
		for (Item<I, R> item : batch) {
			this.queueTime.record(started - item.enqueuedNanos(), TimeUnit.NANOSECONDS);
			inputs.add(item.input());
			real += item.tokens();
		}
		List<R> results;
		try {
			results = this.runner.apply(inputs);
		}
		catch (RuntimeException ex) {
			batch.forEach((item) -> item.result().completeExceptionally(ex));
			return;
		}
		long elapsed = System.nanoTime() - started;
		this.inferenceTime.record(elapsed, TimeUnit.NANOSECONDS);
		long padded = (long) longest * batch.size();
		this.batchSize.record(batch.size());
		this.batchTokens.record(padded);
		this.paddingRatio.record((padded > 0) ? 1.0 - (double) real / padded : 0);
		double observed = real / Math.max(1e-9, elapsed / 1e9);
		this.tokensPerSecond = 0.8 * this.tokensPerSecond + 0.2 * observed;
		for (int i = 0; i < batch.size(); i++) {
			batch.get(i).result().complete(results.get(i));
		}
	}

	public int maxBatchTokens() {
		return this.maxBatchTokens;
	}

	/** The most sequences one batch may hold ({@link #NO_BATCH_SIZE_LIMIT} when only the token budget applies). */
	public int maxBatchSize() {
		return this.maxBatchSize;
	}

	/**
	 * Stops the workers and waits for the batch each is running, so that the model can be closed after this returns
	 * (closing an ONNX Runtime session during a run crashes the process); what is still queued fails.
	 */
	@Override
	public void close() {
		this.running = false;
		this.workers.forEach(Thread::interrupt);
		for (Thread worker : this.workers) {
			try {
				worker.join(Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		Item<I, R> item;
		while ((item = this.queue.poll()) != null) {
			item.result().completeExceptionally(new IllegalStateException(this.name + " is shutting down"));
		}
	}

	private record Item<I, R>(I input, int tokens, long enqueuedNanos, long deadlineNanos, boolean urgent,
			long sequence, CompletableFuture<R> result) {
	}

}
