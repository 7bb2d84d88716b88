package dev.ragplatform.rerank.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Hugging Face Text Embeddings Inference's rerank API, so TEI clients can switch: {@code query}, {@code texts},
 * {@code raw_scores}, {@code return_text}, {@code truncate} (default true here; false and a text too long for the
 * model → 413), and the extension field {@code model}. The answer is every text, best first.
 */
@RestController
class TeiRerankController {

	private final RerankService service;

	TeiRerankController(RerankService service) {
		this.service = service;
	}

	@PostMapping("/rerank")
	List<Rank> rerank(@RequestBody TeiRerankRequest request) {
		if (request.truncationDirection() != null
				&& !"right".equals(request.truncationDirection().toLowerCase(Locale.ROOT))) {
			throw ServiceProblem.badRequest("truncation_direction must be Right: passages are cut at their end");
		}
		List<String> texts = Documents.parse(request.texts(), "texts");
		RerankService.Ranking ranking = this.service.rerank(new RerankCommand(request.model(), request.query(), texts,
				null, null, request.truncate() == null || request.truncate(), Boolean.TRUE.equals(request.rawScores())),
				"tei");
		boolean returnText = Boolean.TRUE.equals(request.returnText());
		List<Rank> ranks = new ArrayList<>(ranking.results().size());
		for (RerankService.Ranked ranked : ranking.results()) {
			ranks.add(new Rank(ranked.index(), ranked.score(), returnText ? texts.get(ranked.index()) : null));
		}
		return ranks;
	}

	record TeiRerankRequest(String query, JsonNode texts, @JsonProperty("raw_scores") Boolean rawScores,
			@JsonProperty("return_text") Boolean returnText, Boolean truncate,
			@JsonProperty("truncation_direction") String truncationDirection, String model) {
	}

	record Rank(int index, float score, @JsonInclude(JsonInclude.Include.NON_NULL) String text) {
	}

}
