package dev.ragplatform.embedding.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Dynamic batching across concurrent requests under a token budget, in the manner of TEI.
 * <p>
 * Inputs of all requests wait in one queue. Each worker (one or a few threads, each running inferences of its
 * own) takes what is queued (up to a window of a few
 * batches' worth of tokens), drops what is past its deadline or no longer awaited, sorts the rest by length so
 * that sequences of similar length share a batch (little padding), and cuts batches whose padded size
 * ({@code count × longest}) stays within {@code maxBatchTokens}. The queue is bounded in tokens: a request that
 * does not fit, or that would wait past its deadline behind what is queued, is refused at once with an estimate of
 * when to retry, instead of waiting without bound or timing out after using the workers' time.
 * <p>
 * Urgent inputs (search queries: a user waits) go ahead of everything else queued (bulk indexing), and a
 * scheduling round that starts with an urgent input takes only urgent ones, so a query waits at most for the
 * batches already running, not for the indexing backlog. Within a priority, inputs are taken in arrival order.
 */
public final class TokenBudgetBatcher<R> implements AutoCloseable {

	/** How many batches' worth of queued tokens one scheduling round considers (room to sort by length). */
	static final int WINDOW_BATCHES = 4;

	private final String name;

	private final Function<List<long[]>, List<R>> encoder;

	private final int maxBatchTokens;

	private final int maxBatchSize;

	private final long maxQueuedTokens;

	private final BlockingQueue<Item<R>> queue = new PriorityBlockingQueue<>(64,
			Comparator.comparing((Item<R> item) -> !item.urgent()).thenComparingLong(Item::sequence));

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

	public TokenBudgetBatcher(String name, Function<List<long[]>, List<R>> encoder, int maxBatchTokens, int maxBatchSize,
			long maxQueuedTokens, int workers, MeterRegistry meters) {
		if (maxBatchTokens < 1 || maxBatchSize < 1 || maxQueuedTokens < maxBatchTokens || workers < 1) {
			throw new IllegalArgumentException("need maxBatchTokens >= 1, maxBatchSize >= 1, workers >= 1 and "
					+ "maxQueuedTokens >= maxBatchTokens");
		}
		this.name = name;
		this.encoder = encoder;
		this.maxBatchTokens = maxBatchTokens;
		this.maxBatchSize = maxBatchSize;
		this.maxQueuedTokens = maxQueuedTokens;
		this.queueTime = Timer.builder("rag.embedding.queue.time").description("Time inputs wait for a batch")
			.tag("model", name).publishPercentileHistogram().register(meters);
		this.inferenceTime = Timer.builder("rag.embedding.inference.time").description("Time of one batch's inference")
			.tag("model", name).publishPercentileHistogram().register(meters);
		this.batchSize = DistributionSummary.builder("rag.embedding.batch.size").description("Inputs per batch")
			.tag("model", name).register(meters);
		this.batchTokens = DistributionSummary.builder("rag.embedding.batch.tokens")
			.description("Padded tokens per batch (inputs × longest)").tag("model", name).register(meters);
		this.paddingRatio = DistributionSummary.builder("rag.embedding.batch.padding.ratio")
			.description("Share of a batch's tokens that are padding").tag("model", name).register(meters);
		meters.gauge("rag.embedding.queue.tokens", Tags.of("model", name), this.queuedTokens, AtomicLong::get);
		List<Thread> threads = new ArrayList<>(workers);
		for (int i = 0; i < workers; i++) {
			threads.add(Thread.ofPlatform().name("batcher-" + name + "-" + i).daemon().start(this::run));
		}
		this.workers = List.copyOf(threads);
	}

	/** Queues bulk inputs: {@link #submit(List, long, boolean)} without urgency. */
	public List<CompletableFuture<R>> submit(List<long[]> inputs, long deadlineNanos) {
		return submit(inputs, deadlineNanos, false);
	}

	/**
	 * Queues one request's inputs; each future completes with its input's result, or exceptionally with
	 * {@link DeadlineExceededException}. Cancel the futures when the caller stops waiting.
	 * @param urgent whether the inputs go ahead of all non-urgent ones queued
	 * @throws QueueFullException when the inputs do not fit in the queue now
	 */
	public List<CompletableFuture<R>> submit(List<long[]> inputs, long deadlineNanos, boolean urgent) {
		long tokens = 0;
		for (long[] input : inputs) {
			tokens += input.length;
		}
		reserve(tokens, urgent ? Long.MAX_VALUE : deadlineNanos - System.nanoTime());
		long now = System.nanoTime();
		List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
		for (long[] input : inputs) {
			Item<R> item = new Item<>(input, now, deadlineNanos, urgent, this.sequence.incrementAndGet(),
					new CompletableFuture<>());
			futures.add(item.result());
			this.queue.add(item);
		}
		return futures;
	}

	/**
	 * Admits a request's tokens, or refuses it at once: when the queue is full, and when the work queued ahead of it
	 * would outlast its deadline at the measured speed. Inputs that would time out anyway are never run, so an
	 * overloaded service does not waste its time on answers nobody waits for (and their clients' retries).
	 */
	private void reserve(long tokens, long patienceNanos) {
		while (true) {
			long queued = this.queuedTokens.get();
			// one oversized request is let through an empty queue, so no valid request can never run
			if (queued > 0 && queued + tokens > this.maxQueuedTokens) {
				throw new QueueFullException(retryAfterSeconds(queued));
			}
			double seconds = (queued + tokens) / Math.max(1.0, this.tokensPerSecond * this.workers.size());
			if (queued > 0 && seconds * 1e9 > patienceNanos) {
				throw new QueueFullException(retryAfterSeconds(queued));
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
		List<Item<R>> window = new ArrayList<>();
		while (this.running) {
			try {
				Item<R> first = this.queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				window.add(first);
				long windowTokens = first.ids().length;
				Item<R> next;
				while (windowTokens < (long) WINDOW_BATCHES * this.maxBatchTokens && (next = this.queue.peek()) != null
						&& (next.urgent() || !first.urgent()) && this.queue.remove(next)) {
					window.add(next);
					windowTokens += next.ids().length;
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
				window.forEach((item) -> this.queuedTokens.addAndGet(-item.ids().length));
				window.clear();
			}
		}
	}

	private void process(List<Item<R>> window) {
		long now = System.nanoTime();
		List<Item<R>> live = new ArrayList<>(window.size());
		for (Item<R> item : window) {
			if (item.result().isDone()) {
				continue; // the caller gave up (cancelled)
			}
			if (now - item.deadlineNanos() > 0) {
				item.result().completeExceptionally(new DeadlineExceededException());
				continue;
			}
			live.add(item);
		}
		live.sort(Comparator.comparingInt((Item<R> item) -> item.ids().length));
		int start = 0;
		while (start < live.size()) {
			int end = start;
			int longest = 0;
			while (end < live.size() && end - start < this.maxBatchSize) {
				int candidate = Math.max(longest, live.get(end).ids().length);
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

	private void runBatch(List<Item<R>> batch, int longest) {
		long started = System.nanoTime();
		List<long[]> ids = new ArrayList<>(batch.size());
		long real = 0;
		for (Item<R> item : batch) {
			this.queueTime.record(started - item.enqueuedNanos(), TimeUnit.NANOSECONDS);
			ids.add(item.ids());
			real += item.ids().length;
		}
		List<R> results;
		try {
			results = this.encoder.apply(ids);
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
		this.paddingRatio.record(1.0 - (double) real / padded);
		double observed = real / (elapsed / 1e9);
		this.tokensPerSecond = 0.8 * this.tokensPerSecond + 0.2 * observed;
		for (int i = 0; i < batch.size(); i++) {
			batch.get(i).result().complete(results.get(i));
		}
	}

	public int maxBatchTokens() {
		return this.maxBatchTokens;
	}

	public int maxBatchSize() {
		return this.maxBatchSize;
	}

	/**
	 * Stops the workers and waits for the batch each is running, so that the encoder can be closed after this
	 * returns (closing an ONNX Runtime session during a run crashes the process); what is still queued fails.
	 */
	@Override
	public void close() {
		this.running = false;
		this.workers.forEach(Thread::interrupt);
		for (Thread worker : this.workers) {
			try {
				worker.join(java.time.Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		Item<R> item;
		while ((item = this.queue.poll()) != null) {
			item.result().completeExceptionally(new IllegalStateException(this.name + " is shutting down"));
		}
	}

	private record Item<R>(long[] ids, long enqueuedNanos, long deadlineNanos, boolean urgent, long sequence,
			CompletableFuture<R> result) {
	}

}
