package dev.ragplatform.embedding.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragplatform.embedding.model.EmbeddingModels;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's embeddings API, so OpenAI clients (Spring AI, LangChain4j, the official SDKs) work unchanged, plus
 * the extension fields {@code task}, {@code input_type}, {@code instruction} and {@code truncate}.
 */
@RestController
class OpenAiEmbeddingsController {

	private final EmbeddingService service;

	private final EmbeddingModels models;

	OpenAiEmbeddingsController(EmbeddingService service, EmbeddingModels models) {
		this.service = service;
		this.models = models;
	}

	@PostMapping("/v1/embeddings")
	EmbeddingList embed(@RequestBody EmbeddingRequest request) {
		boolean base64 = switch ((request.encodingFormat() != null) ? request.encodingFormat() : "float") {
			case "float" -> false;
			case "base64" -> true;
			default -> throw ServiceProblem.badRequest("encoding_format must be 'float' or 'base64'");
		};
		var result = this.service.embed(new EmbedCommand(request.model(), Inputs.parse(request.input(), "input"),
				request.task(), request.inputType(), request.instruction(), request.dimensions(),
				request.truncate() == null || request.truncate(), true, tokenEncoding(request.tokenVectors())),
				"openai");
		List<Embedding> data = new ArrayList<>(result.vectors().size());
		for (int i = 0; i < result.vectors().size(); i++) {
			float[] vector = result.vectors().get(i);
			byte[] tokens = (result.tokenVectors() != null) ? result.tokenVectors().get(i) : null;
			data.add(new Embedding("embedding", i, base64 ? base64(vector) : vector,
					(tokens != null) ? Base64.getEncoder().encodeToString(tokens) : null));
		}
		return new EmbeddingList("list", data, result.model(), new Usage(result.promptTokens(), result.promptTokens()));
	}

	@GetMapping("/v1/models")
	ModelList models() {
		return new ModelList("list", this.models.all().stream()
			.map((m) -> new Model(m.descriptor().name(), "model", 0, "rag-platform"))
			.toList());
	}

	/**
	 * The model's {@code tokenizer.json}, so clients (ingest-service's chunker) count tokens exactly as the model
	 * does without being configured with the model themselves.
	 */
	@GetMapping(path = "/v1/models/{model}/tokenizer.json", produces = "application/json")
	byte[] tokenizer(@org.springframework.web.bind.annotation.PathVariable String model) {
		return this.models.all()
			.stream()
			.filter((m) -> m.descriptor().name().equals(model))
			.findFirst()
			.orElseThrow(() -> ServiceProblem.notFound("Model '" + model + "' is not served here."))
			.tokenizer()
			.json();
	}

	private static TokenEncoding tokenEncoding(String value) {
		try {
			return (value != null) ? TokenEncoding.parse(value) : null;
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest("token_vectors: " + ex.getMessage());
		}
	}

	/** Little-endian float32, as OpenAI encodes vectors in base64. */
	private static String base64(float[] vector) {
		ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		bytes.asFloatBuffer().put(vector);
		return Base64.getEncoder().encodeToString(bytes.array());
	}

	record EmbeddingRequest(JsonNode input, String model, @JsonProperty("encoding_format") String encodingFormat,
			Integer dimensions, String user, String task, @JsonProperty("input_type") String inputType,
			String instruction, Boolean truncate, @JsonProperty("token_vectors") String tokenVectors) {
	}

	record EmbeddingList(String object, List<Embedding> data, String model, Usage usage) {
	}

	/**
	 * {@code embedding} is a float array, or a base64 string with {@code encoding_format=base64};
	 * {@code token_vectors} the input's token vectors in the asked {@link TokenEncoding}, base64, when asked.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Embedding(String object, int index, Object embedding,
			@JsonProperty("token_vectors") String tokenVectors) {
	}

	record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {
	}

	record ModelList(String object, List<Model> data) {
	}

	record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
	}

}
