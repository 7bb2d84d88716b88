package dev.ragplatform.ingest.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
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
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Embeds chunks with embedding-service (document side of the collection's task), in calls of
 * {@code batch-size} texts that run concurrently so the service's batcher stays fed. Every call goes through
 * Resilience4j: a bulkhead bounds calls in flight, a circuit breaker stops calling a service that is down
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

	EmbeddingClient(RestClient.Builder builder, IngestProperties properties, MeterRegistry meters) {
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
	}

	/** The breaker, so the pipeline can pause while it is open. */
	public CircuitBreaker circuitBreaker() {
		return this.breaker;
	}

	/**
	 * Document-side vectors of {@code texts}, in order.
	 *
	 * @throws DependencyUnavailableException while embedding-service cannot answer (transient)
	 * @throws EmbeddingRejectedException when it refuses the input (model or task unknown to it)
	 */
	public List<float[]> embedDocuments(String model, String task, List<String> texts) {
		List<Future<List<float[]>>> batches = new ArrayList<>();
		for (int from = 0; from < texts.size(); from += this.batchSize) {
			List<String> batch = texts.subList(from, Math.min(texts.size(), from + this.batchSize));
			Supplier<List<float[]>> call = Retry.decorateSupplier(this.retry,
					CircuitBreaker.decorateSupplier(this.breaker,
							Bulkhead.decorateSupplier(this.bulkhead, () -> call(model, task, batch))));
			batches.add(this.calls.submit(call::get));
		}
		List<float[]> vectors = new ArrayList<>(texts.size());
		RuntimeException failure = null;
		for (Future<List<float[]>> batch : batches) {
			try {
				vectors.addAll(batch.get());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				batches.forEach((b) -> b.cancel(true));
				throw new DependencyUnavailableException("interrupted while embedding", ex);
			}
			catch (ExecutionException ex) {
				failure = (failure != null) ? failure : translate(ex.getCause());
			}
		}
		if (failure != null) {
			throw failure;
		}
		return vectors;
	}

	private static RuntimeException translate(Throwable ex) {
		return switch (ex) {
			case CallNotPermittedException open -> new DependencyUnavailableException(
					"embedding-service is failing: its circuit breaker is open", open);
			case BulkheadFullException full -> new DependencyUnavailableException(
					"embedding-service calls are all busy", full);
			case RuntimeException runtime -> runtime;
			default -> new IllegalStateException(ex);
		};
	}

	private List<float[]> call(String model, String task, List<String> texts) {
		Map<String, Object> body = new HashMap<>(Map.of("model", model, "input", texts, "input_type", "document",
				"encoding_format", "base64"));
		if (task != null && !task.isBlank() && !MODEL_INSTRUCTIONS.equals(task)) {
			body.put("task", task);
		}
		JsonNode response;
		try {
			response = this.http.post().uri("/v1/embeddings").body(body).retrieve().body(JsonNode.class);
		}
		catch (RestClientResponseException ex) {
			int status = ex.getStatusCode().value();
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
		List<float[]> vectors = new ArrayList<>(texts.size());
		for (JsonNode item : data) {
			vectors.add(decode(item.path("embedding").asString()));
		}
		return vectors;
	}

	@Override
	public void destroy() {
		this.calls.shutdownNow();
	}

	/** OpenAI's base64 encoding: little-endian float32. */
	private static float[] decode(String base64) {
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
		float[] vector = new float[bytes.remaining() / Float.BYTES];
		bytes.asFloatBuffer().get(vector);
		return vector;
	}

}
