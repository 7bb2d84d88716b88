package dev.ragplatform.ingest.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Embeds chunks with embedding-service (document side of the collection's task): the chunks of all documents
 * in flight are coalesced into calls of up to {@code batch-size} texts. Resilience4j guards every call: a
 * bulkhead bounds calls in flight (the next batch is cut when a slot frees up, so it is full when the pipeline
 * is busy), a circuit breaker stops calling a service that is down
 * (and pauses the pipeline, see {@code PipelineConfiguration}), and transient failures are retried with
 * exponential back-off. Calls are idempotent, so retrying them is safe.
 */
@Component
public class EmbeddingClient implements DisposableBean {

	/** The task value that means the model's own instructions: no {@code task} field is sent. */
	static final String MODEL_INSTRUCTIONS = "none";

	private final RestClient http;

	private final int batchSize;

	private final CircuitBreaker breaker;

	private final Retry retry;

	private final Bulkhead bulkhead;

	private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

	private final Map<String, Coalescer> coalescers = new ConcurrentHashMap<>();

	private final io.micrometer.core.instrument.Counter backPressure;

	private final ObservationRegistry observations;

	EmbeddingClient(RestClient.Builder builder, IngestProperties properties, MeterRegistry meters,
			ObservationRegistry observations) {
		this.observations = observations;
		IngestProperties.Embedding config = properties.embedding();
		var requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(config.timeout());
		this.http = builder.baseUrl(config.url().toString()).requestFactory(requestFactory).build();
		this.batchSize = config.batchSize();
		CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(20)
			.minimumNumberOfCalls(5)
			.failureRateThreshold(config.failureRateThreshold())
			.waitDurationInOpenState(config.openFor())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.permittedNumberOfCallsInHalfOpenState(2)
			.recordExceptions(DependencyUnavailableException.class)
			.build());
		this.breaker = breakers.circuitBreaker("embedding-service");
		RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
			.maxAttempts(config.retryAttempts())
			.intervalFunction(IntervalFunction.ofExponentialBackoff(config.retryBackoff(), 2.0))
			.retryOnException((ex) -> ex instanceof DependencyUnavailableException)
			.build());
		this.retry = retries.retry("embedding-service");
		BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
			.maxConcurrentCalls(config.maxConcurrentCalls())
			.maxWaitDuration(config.timeout())
			.build());
		this.bulkhead = bulkheads.bulkhead("embedding-service");
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
		TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
		TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
		this.backPressure = io.micrometer.core.instrument.Counter.builder("rag.ingest.embedding.back.pressure")
			.description("Calls embedding-service answered with 429 (busy), repeated after its Retry-After")
			.register(meters);
	}

	/** The breaker, so the pipeline can pause while it is open. */
	public CircuitBreaker circuitBreaker() {
		return this.breaker;
	}

	/**
	 * Document-side vectors of {@code texts}, in order. Texts of concurrent callers are coalesced into shared
	 * calls of up to {@code batch-size}, so many small documents still make full calls, and at most
	 * {@code max-concurrent-calls} are in flight: embedding-service always has work queued, never too much.
	 *
	 * @throws DependencyUnavailableException while embedding-service cannot answer (transient)
	 * @throws EmbeddingRejectedException when it refuses the input (model or task unknown to it)
	 */
	public List<float[]> embedDocuments(String model, String task, List<String> texts) {
		return embedDocuments(model, task, null, texts).stream().map(Embedding::vector).toList();
	}

	/**
	 * As {@link #embedDocuments(String, String, List)}, with each text's token vectors from the same forward pass
	 * in {@code tokenStorage} ({@code binary}, {@code int8}, {@code float32}; {@code null}: none).
	 */
	public List<Embedding> embedDocuments(String model, String task, String tokenStorage, List<String> texts) {
		Coalescer coalescer = this.coalescers.computeIfAbsent(model + "\u0000" + task + "\u0000" + tokenStorage,
				(key) -> new Coalescer(model, task, tokenStorage));
		List<CompletableFuture<Embedding>> pending = new ArrayList<>(texts.size());
		for (String text : texts) {
			pending.add(coalescer.submit(text));
		}
		List<Embedding> vectors = new ArrayList<>(texts.size());
		for (CompletableFuture<Embedding> vector : pending) {
			try {
				vectors.add(vector.get());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new DependencyUnavailableException("interrupted while embedding", ex);
			}
			catch (ExecutionException ex) {
				throw translate(ex.getCause());
			}
		}
		return vectors;
	}

	/** Gathers the texts of one model and task from all callers into calls, as call slots free up. */
	private final class Coalescer {

		private final String model;

		private final String task;

		private final String tokenStorage;

		private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

		private final Thread dispatcher;

		Coalescer(String model, String task, String tokenStorage) {
			this.model = model;
			this.task = task;
			this.tokenStorage = tokenStorage;
			this.dispatcher = Thread.ofVirtual().name("embedding-coalescer-" + model).start(this::dispatch);
		}

		CompletableFuture<Embedding> submit(String text) {
			Pending pending = new Pending(text, new CompletableFuture<>(),
					EmbeddingClient.this.observations.getCurrentObservation());
			this.queue.add(pending);
			return pending.vector();
		}

		private void dispatch() {
			while (!EmbeddingClient.this.calls.isShutdown()) {
				List<Pending> batch = new ArrayList<>(EmbeddingClient.this.batchSize);
				try {
					batch.add(this.queue.take());
					// a call slot from the bulkhead before the batch is cut, so it fills while other calls run
					acquireSlot();
				}
				catch (InterruptedException ex) {
					batch.forEach((p) -> p.vector().completeExceptionally(
							new DependencyUnavailableException("the service is shutting down", ex)));
					return;
				}
				this.queue.drainTo(batch, EmbeddingClient.this.batchSize - 1);
				try {
					EmbeddingClient.this.calls.submit(() -> send(batch));
				}
				catch (RuntimeException ex) { // shut down
					EmbeddingClient.this.bulkhead.onComplete();
					batch.forEach((p) -> p.vector().completeExceptionally(ex));
					return;
				}
			}
		}

		private void acquireSlot() throws InterruptedException {
			while (true) {
				try {
					EmbeddingClient.this.bulkhead.acquirePermission(); // waits up to the call timeout
					return;
				}
				catch (io.github.resilience4j.bulkhead.BulkheadFullException ex) {
					if (Thread.interrupted()) {
						throw new InterruptedException();
					}
				}
			}
		}

		/**
		 * One call, traced as a child of the first text's document (a call may carry texts of several documents;
		 * their traces show their own wait in the embed stage).
		 */
		private void send(List<Pending> batch) {
			Observation.createNotStarted("rag.ingest.embedding.call", EmbeddingClient.this.observations)
				.contextualName("embedding-service call")
				.parentObservation(batch.get(0).parent())
				.lowCardinalityKeyValue("model", this.model)
				.highCardinalityKeyValue("texts", Integer.toString(batch.size()))
				.observe(() -> sendNow(batch));
		}

		private void sendNow(List<Pending> batch) {
			try {
				List<Embedding> vectors = guarded(batch.stream().map(Pending::text).toList());
				for (int i = 0; i < batch.size(); i++) {
					batch.get(i).vector().complete(vectors.get(i));
				}
			}
			catch (EmbeddingRejectedException ex) {
				if (batch.size() == 1) {
					batch.get(0).vector().completeExceptionally(ex);
				}
				else { // one text was refused: find it, so other documents of the call are not failed with it
					for (Pending pending : batch) {
						try {
							pending.vector().complete(guarded(List.of(pending.text())).get(0));
						}
						catch (Throwable single) {
							pending.vector().completeExceptionally(single);
						}
					}
				}
			}
			catch (Throwable ex) {
				batch.forEach((p) -> p.vector().completeExceptionally(ex));
			}
			finally {
				EmbeddingClient.this.bulkhead.onComplete();
			}
		}

		private List<Embedding> guarded(List<String> texts) {
			while (true) {
				try {
					return Retry.decorateSupplier(EmbeddingClient.this.retry, CircuitBreaker
						.decorateSupplier(EmbeddingClient.this.breaker, () -> call(this.model, this.task, this.tokenStorage, texts)))
						.get();
				}
				catch (EmbeddingOverloadedException busy) { // back-pressure: wait as advised, then call again
					EmbeddingClient.this.backPressure.increment();
					try {
						Thread.sleep(busy.retryAfter());
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new DependencyUnavailableException("interrupted while embedding-service was busy", ex);
					}
				}
			}
		}

		void failQueued(Throwable reason) {
			List<Pending> left = new ArrayList<>();
			this.queue.drainTo(left);
			left.forEach((p) -> p.vector().completeExceptionally(reason));
		}

	}

	private record Pending(String text, CompletableFuture<Embedding> vector, Observation parent) {
	}

	/**
	 * One text's vector and, when asked, its token vectors (the stored form, as embedding-service encoded them).
	 */
	public record Embedding(float[] vector, byte[] tokenVectors) {
	}

	private static RuntimeException translate(Throwable ex) {
		return switch (ex) {
			case CallNotPermittedException open -> new DependencyUnavailableException(
					"embedding-service is failing: its circuit breaker is open", open);
			case RuntimeException runtime -> runtime;
			default -> new IllegalStateException(ex);
		};
	}

	private List<Embedding> call(String model, String task, String tokenStorage, List<String> texts) {
		Map<String, Object> body = new HashMap<>(Map.of("model", model, "input", texts, "input_type", "document",
				"encoding_format", "base64"));
		if (tokenStorage != null) {
			body.put("token_vectors", tokenStorage);
		}
		if (task != null && !task.isBlank() && !MODEL_INSTRUCTIONS.equals(task)) {
			body.put("task", task);
		}
		JsonNode response;
		try {
			response = this.http.post().uri("/v1/embeddings").body(body).retrieve().body(JsonNode.class);
		}
		catch (RestClientResponseException ex) {
			int status = ex.getStatusCode().value();
			if (status == 429) {
				throw new EmbeddingOverloadedException(retryAfter(ex.getResponseHeaders()));
			}
			if (status >= 400 && status < 500 && status != 408 && status != 429) {
				throw new EmbeddingRejectedException("embedding-service rejected the chunks (" + status + "): "
						+ ex.getResponseBodyAsString());
			}
			throw new DependencyUnavailableException("embedding-service answered " + status, ex);
		}
		catch (RestClientException ex) {
			throw new DependencyUnavailableException("embedding-service is unreachable: " + ex.getMessage(), ex);
		}
		JsonNode data = (response != null) ? response.path("data") : null;
		if (data == null || data.size() != texts.size()) {
			throw new DependencyUnavailableException("embedding-service answered "
					+ ((data == null) ? "nothing" : data.size() + " vectors for " + texts.size() + " texts"), null);
		}
		List<Embedding> vectors = new ArrayList<>(texts.size());
		for (JsonNode item : data) {
			JsonNode tokens = item.path("token_vectors");
			if (tokenStorage != null && !tokens.isString()) {
				throw new DependencyUnavailableException("embedding-service answered no token vectors", null);
			}
			vectors.add(new Embedding(decode(item.path("embedding").asString()),
					(tokenStorage != null) ? Base64.getDecoder().decode(tokens.asString()) : null));
		}
		return vectors;
	}

	/** The advised wait of a 429, between 100 ms and 30 s; 1 s when the header is missing or not in seconds. */
	static java.time.Duration retryAfter(org.springframework.http.HttpHeaders headers) {
		String value = (headers != null) ? headers.getFirst(org.springframework.http.HttpHeaders.RETRY_AFTER) : null;
		long seconds = 1;
		if (value != null) {
			try {
				seconds = Long.parseLong(value.trim());
			}
			catch (NumberFormatException ex) {
				// an HTTP date: not sent by embedding-service; the default wait will do
			}
		}
		return java.time.Duration.ofMillis(Math.clamp(seconds * 1000, 100, 30_000));
	}

	@Override
	public void destroy() {
		this.calls.shutdownNow();
		this.coalescers.values().forEach((c) -> {
			c.dispatcher.interrupt();
			c.failQueued(new DependencyUnavailableException("the service is shutting down", null));
		});
	}

	/** OpenAI's base64 encoding: little-endian float32. */
	private static float[] decode(String base64) {
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
		float[] vector = new float[bytes.remaining() / Float.BYTES];
		bytes.asFloatBuffer().get(vector);
		return vector;
	}

}
