package dev.ragplatform.rerank.ranking;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragplatform.rerank.model.ModelDescriptor;
import dev.ragplatform.rerank.model.RerankModels;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The models served, in OpenAI's list shape with what a reranking client needs to know about each. */
@RestController
class ModelsController {

	private final RerankModels models;

	ModelsController(RerankModels models) {
		this.models = models;
	}

	@GetMapping("/v1/models")
	ModelList models() {
		return new ModelList("list", this.models.all().stream().map((reranker) -> {
			ModelDescriptor d = reranker.descriptor();
			return new Model(d.name(), "model", "rag-platform", d.kind().wireName(), d.maxLength(),
					d.scoreFunction().wireName(), d.name().equals(this.models.defaultModel()));
		}).toList());
	}

	record ModelList(String object, List<Model> data) {
	}

	/**
	 * @param maxLength the longest sequence the model takes, special tokens included (a cross-encoder's: query and
	 * passage together)
	 * @param isDefault whether requests without {@code model} get this one
	 */
	record Model(String id, String object, @JsonProperty("owned_by") String ownedBy, String kind,
			@JsonProperty("max_length") int maxLength, @JsonProperty("score_function") String scoreFunction,
			@JsonProperty("default") boolean isDefault) {
	}

}
