package dev.ragplatform.rerank.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cohere's v2 rerank API, which Jina's shares: documents as strings or {@code {text}} objects, results best first
 * with their input {@code index} and {@code relevance_score}. Documents are always cut to fit the model (as Cohere
 * does); {@code max_tokens_per_doc} cuts them shorter.
 */
@RestController
class RerankController {

	private final RerankService service;

	RerankController(RerankService service) {
		this.service = service;
	}

	@PostMapping({ "/v1/rerank", "/v2/rerank" })
	RerankResponse rerank(@RequestBody RerankRequest request) {
		List<String> documents = Documents.parse(request.documents(), "documents");
		RerankService.Ranking ranking = this.service.rerank(new RerankCommand(request.model(), request.query(),
				documents, request.topN(), request.maxTokensPerDoc(), true, false), "cohere");
		boolean returnDocuments = Boolean.TRUE.equals(request.returnDocuments());
		List<Result> results = new ArrayList<>(ranking.results().size());
		for (RerankService.Ranked ranked : ranking.results()) {
			results.add(new Result(ranked.index(), ranked.score(),
					returnDocuments ? new Document(documents.get(ranked.index())) : null));
		}
		return new RerankResponse(UUID.randomUUID().toString(), ranking.model(), results,
				new Meta(new ApiVersion("2"), new BilledUnits(1), new Tokens(ranking.tokens(), 0), ranking.truncated()),
				new Usage(ranking.tokens()));
	}

	record RerankRequest(String model, String query, JsonNode documents, @JsonProperty("top_n") Integer topN,
			@JsonProperty("return_documents") Boolean returnDocuments,
			@JsonProperty("max_tokens_per_doc") Integer maxTokensPerDoc) {
	}

	/** {@code usage} is Jina's name for the tokens, {@code meta} Cohere's. */
	record RerankResponse(String id, String model, List<Result> results, Meta meta, Usage usage) {
	}

	record Result(int index, @JsonProperty("relevance_score") float relevanceScore,
			@JsonInclude(JsonInclude.Include.NON_NULL) Document document) {
	}

	record Document(String text) {
	}

	record Meta(@JsonProperty("api_version") ApiVersion apiVersion,
			@JsonProperty("billed_units") BilledUnits billedUnits, Tokens tokens,
			@JsonProperty("truncated_documents") int truncatedDocuments) {
	}

	record ApiVersion(String version) {
	}

	record BilledUnits(@JsonProperty("search_units") int searchUnits) {
	}

	record Tokens(@JsonProperty("input_tokens") long inputTokens, @JsonProperty("output_tokens") long outputTokens) {
	}

	record Usage(@JsonProperty("total_tokens") long totalTokens) {
	}

}
