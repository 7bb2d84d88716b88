package dev.ragplatform.retrieval.embedding;

import java.util.List;
import java.util.Map;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.http.ServiceClient;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/** Embeds texts with embedding-service over HTTP (its OpenAI-compatible endpoint with the task extensions). */
@Component
public class EmbeddingClient {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(EmbeddingClient.class);

	private final ServiceClient embedding;

	EmbeddingClient(RestClient.Builder builder, RetrievalProperties properties, MeterRegistry meters) {
		this.embedding = ServiceClient.create(builder, "embedding-service", properties.embedding().url(),
				properties.embedding().timeout(), ServiceClient.Policy.defaults(), meters);
	}

	/** The task value that means "no task: the model's own query/document instructions". */
	public static final String MODEL_INSTRUCTIONS = "none";

	/** The query-side vector of {@code text} for {@code task} ({@value #MODEL_INSTRUCTIONS}: the model's own). */
	public float[] embedQuery(String model, String task, String text) {
		return embed(model, task, "query", text);
	}

	/**
	 * The query-side vector of {@code text} and, from the same forward pass, its unit token vectors for late
	 * interaction (float32: the query side is never compressed).
	 */
	public QueryVectors embedQueryWithTokens(String model, String task, String text) {
		JsonNode item = call(model, task, "query", List.of(text), TokenEncoding.FLOAT32).path("data").path(0);
		JsonNode tokens = item.path("token_vectors");
		if (!tokens.isString()) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned no token vectors");
		}
		float[] vector = vector(item.path("embedding"));
		java.nio.FloatBuffer floats = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(tokens.stringValue()))
			.order(java.nio.ByteOrder.LITTLE_ENDIAN)
			.asFloatBuffer();
		int width = vector.length;
		if (floats.remaining() == 0 || floats.remaining() % width != 0) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned token vectors of another width "
					+ "than the query vector's " + width);
		}
		float[][] unit = new float[floats.remaining() / width][width];
		for (float[] row : unit) {
			floats.get(row);
		}
		return new QueryVectors(vector, unit);
	}

	/** A query's dense vector and its token vectors, from one call. */
	public record QueryVectors(float[] vector, float[][] tokens) {
	}

	/**
	 * The document-side token vectors of {@code texts} in {@code encoding}, in order, as ingest-service has them
	 * computed (the backfill of a collection that starts keeping them).
	 */
	public List<byte[]> embedDocumentTokens(String model, String task, List<String> texts, TokenEncoding encoding) {
		JsonNode data = call(model, task, "document", texts, encoding).path("data");
		if (data.size() != texts.size()) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned " + data.size() + " vectors for "
					+ texts.size() + " texts");
		}
		List<byte[]> tokens = new java.util.ArrayList<>(texts.size());
		for (JsonNode item : data) {
			tokens.add(java.util.Base64.getDecoder().decode(item.path("token_vectors").asString()));
		}
		return tokens;
	}

	/** Query-side vectors of several texts, in order, in one call. */
	public List<float[]> embedQueries(String model, String task, List<String> texts) {
		JsonNode data = call(model, task, "query", texts, null).path("data");
		if (data.size() != texts.size()) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned " + data.size() + " vectors for "
					+ texts.size() + " texts");
		}
		List<float[]> vectors = new java.util.ArrayList<>(texts.size());
		for (JsonNode item : data) {
			vectors.add(vector(item.path("embedding")));
		}
		return vectors;
	}

	/**
	 * The longest input {@code model} takes, in tokens with its special tokens (embedding-service's {@code /info});
	 * {@code fallback} when embedding-service does not say.
	 */
	public int maxInputTokens(String model, int fallback) {
		try {
			JsonNode info = this.embedding
				.idempotent((http) -> http.get().uri("/info?model={model}", model).retrieve().body(JsonNode.class));
			return (info != null) ? info.path("max_input_length").asInt(fallback) : fallback;
		}
		catch (RestClientException ex) {
			logger.warn("embedding-service did not give {}'s input limit: {}", model, ex.toString());
			return fallback;
		}
	}

	float[] embed(String model, String task, String inputType, String text) {
		return vector(call(model, task, inputType, List.of(text), null).path("data").path(0).path("embedding"));
	}

	private JsonNode call(String model, String task, String inputType, List<String> texts, TokenEncoding tokens) {
		Map<String, Object> body = new java.util.HashMap<>(
				Map.of("model", model, "input_type", inputType, "input", texts));
		if (tokens != null) {
			body.put("token_vectors", tokens.id());
		}
		if (task != null && !task.isBlank() && !MODEL_INSTRUCTIONS.equals(task)) {
			body.put("task", task);
		}
		JsonNode response;
		try {
			// embedding is a pure function of its input: safe to repeat
			response = this.embedding
				.idempotent((http) -> http.post().uri("/v1/embeddings").body(body).retrieve().body(JsonNode.class));
		}
		catch (RestClientResponseException ex) {
			if (ex.getStatusCode().is4xxClientError() && ex.getStatusCode() != HttpStatusCode.valueOf(429)) {
				throw ServiceProblem.badRequest("embedding-service rejected the query: " + ServiceProblem.detailOf(ex));
			}
			// what a failing peer says (its body, its hosts) is logged here, not handed to our caller
			logger.warn("embedding-service answered {}: {}", ex.getStatusCode().value(), ex.getResponseBodyAsString());
			throw ServiceProblem.dependencyUnavailable("embedding-service answered " + ex.getStatusCode().value()
					+ "; try again later");
		}
		catch (RestClientException ex) {
			logger.warn("embedding-service is unreachable: {}", ex.toString());
			throw ServiceProblem.dependencyUnavailable("embedding-service is unreachable; try again later");
		}
		if (response == null) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned no body");
		}
		return response;
	}

	private static float[] vector(JsonNode vector) {
		if (vector == null || !vector.isArray() || vector.isEmpty()) {
			throw ServiceProblem.dependencyUnavailable("embedding-service returned no vector");
		}
		float[] result = new float[vector.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = vector.get(i).floatValue();
		}
		return result;
	}

}
