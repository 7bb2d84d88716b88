package dev.ragplatform.ingest.embedding;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.ragplatform.ingest.chunk.ModelTokenizer;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import dev.ragplatform.runtime.http.ServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * The embedding models' own tokenizers, fetched once per model from embedding-service
 * ({@code GET /v1/models/{model}/tokenizer.json}, {@code GET /info?model=}), so chunks are measured in exactly the
 * tokens the model will see, for any model the service is configured with.
 */
@Component
public class ModelTokenizers implements DisposableBean {

	private final ServiceClient embedding;

	private final Map<String, Model> models = new ConcurrentHashMap<>();

	ModelTokenizers(RestClient.Builder builder, IngestProperties properties, MeterRegistry meters) {
		// its own breaker: EmbeddingClient's counts embedding calls, this one the tokenizer downloads
		this.embedding = ServiceClient.create(builder, "embedding-service-tokenizers", properties.embedding().url(),
				properties.embedding().timeout(), ServiceClient.Policy.defaults(), meters);
	}

	/**
	 * The model's tokenizer and input limit.
	 *
	 * @throws DependencyUnavailableException while embedding-service cannot answer
	 * @throws EmbeddingRejectedException when it does not serve the model
	 */
	public Model get(String model) {
		Model loaded = this.models.get(model);
		if (loaded != null) {
			return loaded;
		}
		synchronized (this.models) {
			return this.models.computeIfAbsent(model, this::fetch);
		}
	}

	private Model fetch(String model) {
		try {
			byte[] json = this.embedding.idempotent(
					(http) -> http.get().uri("/v1/models/{model}/tokenizer.json", model).retrieve().body(byte[].class));
			JsonNode info = this.embedding
				.idempotent((http) -> http.get().uri("/info?model={model}", model).retrieve().body(JsonNode.class));
			int maxTokens = (info != null) ? info.path("max_input_length").asInt(512) : 512;
			return new Model(new ModelTokenizer(new ByteArrayInputStream(json)), maxTokens);
		}
		catch (RestClientResponseException ex) {
			if (ex.getStatusCode().is4xxClientError()) {
				throw new EmbeddingRejectedException("embedding-service does not serve model '" + model + "'");
			}
			throw new DependencyUnavailableException("embedding-service answered " + ex.getStatusCode().value()
					+ " for the tokenizer of " + model, ex);
		}
		catch (RestClientException ex) {
			throw new DependencyUnavailableException("embedding-service is unreachable", ex);
		}
		catch (IOException ex) {
			throw new EmbeddingRejectedException("the tokenizer of '" + model + "' cannot be loaded: " + ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.models.values().forEach((m) -> m.tokenizer().close());
	}

	/**
	 * @param tokenizer the model's tokenizer
	 * @param maxTokens the longest input the model takes (special tokens and instruction included)
	 */
	public record Model(ModelTokenizer tokenizer, int maxTokens) {
	}

}
