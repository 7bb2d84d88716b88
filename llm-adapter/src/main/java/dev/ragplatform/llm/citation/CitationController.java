package dev.ragplatform.llm.citation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.model.LanguageModel;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/citations/predict}: which documents of a collection a text cites, with evidence. */
@RestController
class CitationController {

	static final int DEFAULT_TOP_K = 10;

	static final int MAX_TOP_K = 100;

	static final double MAX_WHOLE_TEXT_WEIGHT = 100;

	private static final Set<String> SEARCH_MODES = Set.of("dense", "lexical", "hybrid");

	private final CitationPredictor predictor;

	private final LanguageModel llm;

	private final int maxTextChars;

	private final boolean wholeText;

	private final double wholeTextWeight;

	CitationController(CitationPredictor predictor, LanguageModel llm, LlmAdapterProperties properties) {
		this.predictor = predictor;
		this.llm = llm;
		this.maxTextChars = properties.citations().maxTextChars();
		this.wholeText = properties.citations().wholeText();
		this.wholeTextWeight = properties.citations().wholeTextWeight();
	}

	@PostMapping("/v1/citations/predict")
	PredictResponse predict(@RequestBody PredictRequest request) {
		CitationPredictor.Prediction prediction = this.predictor.predict(query(request));
		List<ContextView> contexts = prediction.contexts()
			.contexts()
			.stream()
			.map((c) -> new ContextView(c.index(), c.kind(), c.marker(), (c.markerStart() >= 0) ? c.markerStart() : null,
					(c.markerEnd() >= 0) ? c.markerEnd() : null, c.start(), c.end()))
			.toList();
		List<CitedDocument> documents = prediction.documents().stream().map((c) -> {
			var hit = c.document().hit();
			return new CitedDocument(c.rank(), hit.documentId(), hit.externalId(), hit.title(), c.score(), true,
					c.sources(), c.supports(),
					new Evidence(hit.chunkIndex(), hit.text(), hit.startOffset(), hit.endOffset()));
		}).toList();
		return new PredictResponse(request.collection(), prediction.mode(), prediction.degraded(), prediction.reason(),
				prediction.model(), prediction.contexts().markers(), prediction.contexts().ignored(),
				prediction.contexts().searchedWhole(), contexts, documents,
				prediction.droppedUnverified(), Map.of("totalMs", prediction.millis()));
	}

	private CitationPredictor.Query query(PredictRequest request) {
		if (request == null || request.collection() == null || request.collection().isBlank()) {
			throw ServiceProblem.badRequest("'collection' is required: the collection whose documents may be cited.");
		}
		if (request.text() == null || request.text().isBlank()) {
			throw ServiceProblem.badRequest("'text' is required: the passage or judgment whose citations to predict.");
		}
		if (request.text().length() > this.maxTextChars) {
			throw ServiceProblem.badRequest("'text' has " + request.text().length() + " characters; at most "
					+ this.maxTextChars + " are accepted (rag.llm.citations.max-text-chars).");
		}
		int topK = (request.topK() != null) ? request.topK() : DEFAULT_TOP_K;
		if (topK < 1 || topK > MAX_TOP_K) {
			throw ServiceProblem.badRequest("'topK' must be between 1 and " + MAX_TOP_K + ", not " + topK + ".");
		}
		CitationPredictor.Mode mode;
		if (request.mode() == null) {
			mode = this.llm.configured() ? CitationPredictor.Mode.LLM : CitationPredictor.Mode.RETRIEVAL;
		}
		else {
			try {
				mode = CitationPredictor.Mode.valueOf(request.mode().trim().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw ServiceProblem.badRequest("Unknown mode '" + request.mode() + "': use retrieval, llm or ensemble.");
			}
		}
		String searchMode = (request.searchMode() != null) ? request.searchMode().trim().toLowerCase(Locale.ROOT)
				: "hybrid";
		if (!SEARCH_MODES.contains(searchMode)) {
			throw ServiceProblem.badRequest("Unknown searchMode '" + request.searchMode() + "': use dense, lexical or hybrid.");
		}
		double weight = (request.wholeTextWeight() != null) ? request.wholeTextWeight() : this.wholeTextWeight;
		if (!(weight >= 0 && weight <= MAX_WHOLE_TEXT_WEIGHT)) {
			throw ServiceProblem.badRequest("'wholeTextWeight' must be between 0 and " + (int) MAX_WHOLE_TEXT_WEIGHT
					+ " (the markers' contexts weigh 1), not " + request.wholeTextWeight() + ".");
		}
		return new CitationPredictor.Query(request.collection(), request.text(), topK, mode, searchMode,
				Boolean.TRUE.equals(request.rerank()), (request.wholeText() != null) ? request.wholeText() : this.wholeText,
				weight);
	}

	/**
	 * A prediction request.
	 *
	 * @param collection the corpus that may be cited
	 * @param text a passage or a whole judgment; markers such as {@code [?CITATION?]}, {@code [12]} or
	 * {@code (Author, 2019)} mark the citations, else the whole text is searched in passages
	 * @param topK how many documents (default 10, at most 100)
	 * @param mode {@code retrieval}, {@code llm} or {@code ensemble} (default {@code llm} when an LLM is
	 * configured, else {@code retrieval})
	 * @param searchMode retrieval-service's mode per context: {@code hybrid} (default), {@code dense} or
	 * {@code lexical}
	 * @param rerank whether each context's candidates go through rerank-service (slower; default false)
	 * @param wholeText whether a text with markers is also searched whole, in passages, and the two rankings fused
	 * (default {@code rag.llm.citations.whole-text})
	 * @param wholeTextWeight the whole text's say in the fusion against the markers' contexts (1), 0–100 (default
	 * {@code rag.llm.citations.whole-text-weight})
	 */
	record PredictRequest(String collection, String text, Integer topK, String mode, String searchMode,
			Boolean rerank, Boolean wholeText, Double wholeTextWeight) {
	}

	/**
	 * A prediction.
	 *
	 * @param mode how it was made: {@code retrieval}, {@code llm} or {@code ensemble}
	 * @param degraded whether an LLM was asked and failed (for some contexts, or for all: then mode is retrieval)
	 * @param reason why the answer is degraded, or why no LLM was used although the request asked for one
	 * @param model the LLM used, if any
	 * @param markersFound citation markers in the text
	 * @param contextsIgnored markers or passages beyond {@code max-contexts} or {@code max-passages}, not searched
	 * @param searchedWhole whether the text was searched whole instead of per marker: its markers' windows covered so
	 * much of it ({@code whole-text-coverage}), or it is at most {@code whole-query-chars} long
	 * @param contexts the places searched, with offsets into the text
	 * @param documents the predicted citations, best first, each verified to exist in the collection
	 * @param droppedUnverified documents found but gone from the collection by the time of the answer
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record PredictResponse(String collection, String mode, boolean degraded, String reason, String model,
			int markersFound, int contextsIgnored, boolean searchedWhole, List<ContextView> contexts,
			List<CitedDocument> documents,
			int droppedUnverified, Map<String, Long> timings) {
	}

	/** A place in the text that cites: the marker's and the context's offsets (end exclusive). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ContextView(int index, String kind, String marker, Integer markerStart, Integer markerEnd, int start,
			int end) {
	}

	/**
	 * One predicted citation.
	 *
	 * @param sources which rankings found it: {@code retrieval}, {@code expansion}, {@code llm}
	 * @param supports the contexts it answers, with its rank there and whether the LLM chose it
	 * @param evidence its best passage, with offsets into the document's parsed text
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CitedDocument(int rank, String documentId, String externalId, String title, double score, boolean verified,
			List<String> sources, List<CitationPredictor.Support> supports, Evidence evidence) {
	}

	/** A passage of the cited document: chunk index and offsets into its parsed text (end exclusive). */
	record Evidence(int chunkIndex, String text, int startOffset, int endOffset) {
	}

}
