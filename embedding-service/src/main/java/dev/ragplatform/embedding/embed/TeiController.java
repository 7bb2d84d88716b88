package dev.ragplatform.embedding.embed;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragplatform.embedding.config.EmbeddingProperties;
import dev.ragplatform.embedding.model.EmbeddingModels.LoadedModel;
import dev.ragplatform.embedding.model.TextTokenizer.Token;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Hugging Face Text Embeddings Inference's API ({@code /embed}, {@code /tokenize}, {@code /info}), so TEI clients
 * can switch. TEI serves one model; here the default one, or another named by the extension field {@code model}.
 * Unlike TEI, {@code truncate} defaults to true. {@code max_concurrent_requests} is how many inputs of the
 * model's full length fit in the queue ({@code max_queued_tokens}); shorter ones fit more.
 */
@RestController
class TeiController {

	private final EmbeddingService service;

	private final EmbeddingProperties properties;

	TeiController(EmbeddingService service, EmbeddingProperties properties) {
		this.service = service;
		this.properties = properties;
	}

	@PostMapping("/embed")
	List<float[]> embed(@RequestBody EmbedRequest request) {
		return this.service.embed(new EmbedCommand(request.model(), Inputs.parse(request.inputs(), "inputs"),
				request.task(), request.inputType(), request.instruction(), request.dimensions(),
				request.truncate() == null || request.truncate(), request.normalize() == null || request.normalize(), null),
				"tei")
			.vectors();
	}

	@PostMapping("/tokenize")
	List<List<Token>> tokenize(@RequestBody TokenizeRequest request) {
		LoadedModel model = this.service.model(request.model());
		return model.tokenizer().tokenize(Inputs.parse(request.inputs(), "inputs"),
				request.addSpecialTokens() == null || request.addSpecialTokens());
	}

	@GetMapping("/info")
	Info info(@RequestParam(required = false) String model) {
		LoadedModel loaded = this.service.model(model);
		var descriptor = loaded.descriptor();
		return new Info(descriptor.name(), null, descriptor.dtype(),
				Map.of("embedding", Map.of("pooling", descriptor.pooling().name().toLowerCase(Locale.ROOT))),
				(int) Math.min(Integer.MAX_VALUE, this.properties.batching().maxQueuedTokens() / descriptor.maxTokens()),
				descriptor.maxTokens(), loaded.batcher().maxBatchTokens(),
				loaded.batcher().maxBatchSize(), this.properties.limits().maxInputs(), 1, "0.1.0",
				descriptor.dimensions(), new TreeSet<>(descriptor.tasks().keySet()),
				this.properties.batching().maxQueuedTokens());
	}

	record EmbedRequest(JsonNode inputs, Boolean normalize, Boolean truncate, Integer dimensions, String model,
			String task, @JsonProperty("input_type") String inputType, String instruction) {
	}

	record TokenizeRequest(JsonNode inputs, @JsonProperty("add_special_tokens") Boolean addSpecialTokens,
			String model) {
	}

	record Info(@JsonProperty("model_id") String modelId, @JsonProperty("model_sha") String modelSha,
			@JsonProperty("model_dtype") String modelDtype, @JsonProperty("model_type") Map<String, Object> modelType,
			@JsonProperty("max_concurrent_requests") int maxConcurrentRequests,
			@JsonProperty("max_input_length") int maxInputLength,
			@JsonProperty("max_batch_tokens") int maxBatchTokens,
			@JsonProperty("max_batch_requests") int maxBatchRequests,
			@JsonProperty("max_client_batch_size") int maxClientBatchSize,
			@JsonProperty("tokenization_workers") int tokenizationWorkers, String version, int dimensions,
			TreeSet<String> tasks, @JsonProperty("max_queued_tokens") long maxQueuedTokens) {
	}

}
