package dev.ragplatform.retrieval.search;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Calls rerank-service ({@code POST /v1/rerank}, Cohere/Jina shape) through a Resilience4j circuit breaker with
 * the HTTP read timeout as the time limit. Failures are the caller's to degrade: it keeps the un-reranked order.
 */
@Component
class RerankClient {

	private final RestClient http;

	private final CircuitBreaker breaker;

	private final String model;

	RerankClient(RestClient.Builder builder, RetrievalProperties properties, MeterRegistry meters) {
		RetrievalProperties.Rerank rerank = properties.rerank();
		var requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(rerank.timeout());
		this.http = builder.baseUrl(rerank.url().toString()).requestFactory(requestFactory).build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(rerank.failureRateThreshold())
			.slidingWindowSize(20)
			.minimumNumberOfCalls(5)
			.waitDurationInOpenState(rerank.openFor())
			.permittedNumberOfCallsInHalfOpenState(2)
			.build());
		this.breaker = registry.circuitBreaker("rerank");
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		this.model = rerank.model();
	}

	/** Relevance score per input index; throws when the reranker fails or its circuit is open. */
	double[] scores(String query, List<String> documents) {
		return this.breaker.executeSupplier(() -> call(query, documents));
	}

	private double[] call(String query, List<String> documents) {
		Map<String, Object> body = new HashMap<>();
		body.put("query", query);
		body.put("documents", documents);
		body.put("top_n", documents.size());
		body.put("return_documents", false);
		if (this.model != null && !this.model.isBlank()) {
			body.put("model", this.model);
		}
		JsonNode response = this.http.post().uri("/v1/rerank").body(body).retrieve().body(JsonNode.class);
		JsonNode results = (response != null) ? response.path("results") : null;
		if (results == null || !results.isArray() || results.size() != documents.size()) {
			throw new IllegalStateException("rerank-service returned " + ((results != null) ? results.size() : 0)
					+ " results for " + documents.size() + " documents");
		}
		double[] scores = new double[documents.size()];
		java.util.Arrays.fill(scores, Double.NaN);
		for (JsonNode result : results) {
			int index = result.path("index").asInt(-1);
			if (index < 0 || index >= scores.length || !result.path("relevance_score").isNumber()) {
				throw new IllegalStateException("rerank-service returned a malformed result: " + result);
			}
			scores[index] = result.get("relevance_score").doubleValue();
		}
		for (double score : scores) {
			if (Double.isNaN(score)) {
				throw new IllegalStateException("rerank-service did not score every document");
			}
		}
		return scores;
	}

}
