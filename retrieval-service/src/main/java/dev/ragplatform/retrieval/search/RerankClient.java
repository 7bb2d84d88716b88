package dev.ragplatform.retrieval.search;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.http.ServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Calls rerank-service ({@code POST /v1/rerank}, Cohere/Jina shape) through a {@link ServiceClient}: the read
 * timeout as the time limit, a circuit breaker that counts I/O failures and 5xx (open at
 * {@code rag.retrieval.rerank.failure-rate-threshold} of the last 20 calls, 5 at least, for {@code open-for}), no
 * retries. Failures are the caller's to degrade: it keeps the un-reranked order.
 */
@Component
class RerankClient {

	private final ServiceClient http;

	private final String model;

	RerankClient(RestClient.Builder builder, RetrievalProperties properties, MeterRegistry meters) {
		RetrievalProperties.Rerank rerank = properties.rerank();
		// breaker only, no retries: a rerank is expensive, and the search answers un-reranked when it fails
		this.http = ServiceClient.create(builder, "rerank-service", rerank.url(), rerank.timeout(),
				new ServiceClient.Policy(Duration.ofSeconds(2), rerank.failureRateThreshold(), 20, 5, rerank.openFor(), 1,
						Duration.ofMillis(200)),
				meters);
		this.model = rerank.model();
	}

	/** Relevance score per input index; throws when the reranker fails or its circuit is open. */
	double[] scores(String query, List<String> documents) {
		Map<String, Object> body = new HashMap<>();
		body.put("query", query);
		body.put("documents", documents);
		body.put("top_n", documents.size());
		body.put("return_documents", false);
		if (this.model != null && !this.model.isBlank()) {
			body.put("model", this.model);
		}
		JsonNode response = this.http
			.call((http) -> http.post().uri("/v1/rerank").body(body).retrieve().body(JsonNode.class));
		return scores(response, documents.size());
	}

	private static double[] scores(JsonNode response, int count) {
		JsonNode results = (response != null) ? response.path("results") : null;
		if (results == null || !results.isArray() || results.size() != count) {
			throw new IllegalStateException("rerank-service returned " + ((results != null) ? results.size() : 0)
					+ " results for " + count + " documents");
		}
		double[] scores = new double[count];
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
