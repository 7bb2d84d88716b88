package dev.ragplatform.retrieval.embedding;

import java.util.List;
import java.util.Map;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.web.RetrievalProblem;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/** Embeds texts with embedding-service over HTTP (its OpenAI-compatible endpoint with the task extensions). */
@Component
public class EmbeddingClient {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(EmbeddingClient.class);

	private final RestClient http;

	EmbeddingClient(RestClient.Builder builder, RetrievalProperties properties) {
		var requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(properties.embedding().timeout());
		this.http = builder.baseUrl(properties.embedding().url().toString()).requestFactory(requestFactory).build();
	}

	/** The task value that means "no task: the model's own query/document instructions". */
	public static final String MODEL_INSTRUCTIONS = "none";

	/** The query-side vector of {@code text} for {@code task} ({@value #MODEL_INSTRUCTIONS}: the model's own). */
	public float[] embedQuery(String model, String task, String text) {
		return embed(model, task, "query", text);
	}

	/** Query-side vectors of several texts, in order, in one call. */
	public List<float[]> embedQueries(String model, String task, List<String> texts) {
		JsonNode data = call(model, task, "query", texts).path("data");
		if (data.size() != texts.size()) {
			throw RetrievalProblem.dependencyUnavailable("embedding-service returned " + data.size() + " vectors for "
					+ texts.size() + " texts");
		}
		List<float[]> vectors = new java.util.ArrayList<>(texts.size());
		for (JsonNode item : data) {
			vectors.add(vector(item.path("embedding")));
		}
		return vectors;
	}

	float[] embed(String model, String task, String inputType, String text) {
		return vector(call(model, task, inputType, List.of(text)).path("data").path(0).path("embedding"));
	}

	private JsonNode call(String model, String task, String inputType, List<String> texts) {
		Map<String, Object> body = new java.util.HashMap<>(
				Map.of("model", model, "input_type", inputType, "input", texts));
		if (task != null && !task.isBlank() && !MODEL_INSTRUCTIONS.equals(task)) {
			body.put("task", task);
		}
		JsonNode response;
		try {
			response = this.http.post()
				.uri("/v1/embeddings")
				.body(body)
				.retrieve()
				.body(JsonNode.class);
		}
		catch (RestClientResponseException ex) {
			if (ex.getStatusCode().is4xxClientError() && ex.getStatusCode() != HttpStatusCode.valueOf(429)) {
				throw RetrievalProblem.badRequest("embedding-service rejected the query: " + detail(ex));
			}
			// what a failing peer says (its body, its hosts) is logged here, not handed to our caller
			logger.warn("embedding-service answered {}: {}", ex.getStatusCode().value(), ex.getResponseBodyAsString());
			throw RetrievalProblem.dependencyUnavailable("embedding-service answered " + ex.getStatusCode().value()
					+ "; try again later");
		}
		catch (RestClientException ex) {
			logger.warn("embedding-service is unreachable: {}", ex.toString());
			throw RetrievalProblem.dependencyUnavailable("embedding-service is unreachable; try again later");
		}
		if (response == null) {
			throw RetrievalProblem.dependencyUnavailable("embedding-service returned no body");
		}
		return response;
	}

	private static float[] vector(JsonNode vector) {
		if (vector == null || !vector.isArray() || vector.isEmpty()) {
			throw RetrievalProblem.dependencyUnavailable("embedding-service returned no vector");
		}
		float[] result = new float[vector.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = vector.get(i).floatValue();
		}
		return result;
	}

	private static String detail(RestClientResponseException ex) {
		try {
			JsonNode body = ex.getResponseBodyAs(JsonNode.class);
			if (body != null && body.hasNonNull("detail")) {
				return body.get("detail").asString();
			}
		}
		catch (RuntimeException ignored) {
			// not a problem document: its raw body is not passed on
		}
		return ex.getStatusText();
	}

}
