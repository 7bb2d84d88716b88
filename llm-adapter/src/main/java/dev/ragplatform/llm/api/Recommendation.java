package dev.ragplatform.llm.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer.
 *
 * @param mode {@code llm} when the LLM's answer was used, else {@code retrieval}
 * @param degraded whether an LLM was asked and failed
 * @param reason why the answer is degraded, or why no LLM was used although one was asked for
 * @param model the LLM asked, if any
 * @param reasoning the LLM's reasoning about the task intent
 * @param apis the recommended APIs, best first
 * @param dropped APIs named (by the LLM or by examples) that are not in the API collection
 * @param examples the selected solved examples, heaviest first
 * @param examplesRescoring what re-scored the semantically selected examples before they voted
 * ({@code late-interaction (stored …)}, {@code rerank-service}), or why nothing did; absent unless asked for
 * @param documentsRescoring the same for the dense ranking of the API documents
 * @param syntactic the question's verb–object pairs and POS pattern
 * @param timings {@code totalMs} and {@code llmMs}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Recommendation(String mode, boolean degraded, String reason, String model, String reasoning,
		List<RecommendedApi> apis, List<DroppedApi> dropped, List<ExampleView> examples, String examplesRescoring,
		String documentsRescoring, Syntax syntactic,
		Map<String, Long> timings) {

	/**
	 * One recommended API.
	 *
	 * @param rank its position, from 1
	 * @param api {@code package.Class.method} (constructors {@code package.Class.Class})
	 * @param signature its declaration (of the best matching overload)
	 * @param summary the first sentence of its javadoc
	 * @param score its fused retrieval score (0 when only the LLM found it); the LLM's APIs come first regardless
	 * @param source {@code llm} or {@code retrieval}
	 * @param verification whether it was checked as named or corrected
	 * @param why the LLM's reason, if the LLM named it
	 * @param examples the selected examples that name it
	 * @param passages chunks of its documentation found, with offsets into the document
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RecommendedApi(int rank, String api, String signature, String summary, double score, String source,
			Verification verification, String why, List<SupportingExample> examples, List<PassageView> passages) {
	}

	/**
	 * How a returned API was checked against the API collection.
	 *
	 * @param status {@code verified} (exists as named, up to formatting) or {@code corrected} (a near miss replaced
	 * by the closest existing name)
	 * @param original the name as the LLM wrote it, when it differs
	 * @param similarity name similarity of a correction
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Verification(String status, String original, Double similarity) {
	}

	/** An API left out: who named it ({@code llm} or {@code examples}) and why it was dropped. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record DroppedApi(String api, String source, String why, String reason) {
	}

	/** An example that supports an API. */
	record SupportingExample(String documentId, String externalId, String title, double weight) {
	}

	/** A documentation chunk of an API: offsets into the document's parsed text, and the search that found it. */
	record PassageView(String documentId, String externalId, int chunkIndex, int startOffset, int endOffset,
			double score, String search) {
	}

	/** A selected example with its vote weight and each selector's score. */
	record ExampleView(String documentId, String externalId, String title, List<String> apis, double weight,
			Map<String, Double> scores) {
	}

	/** The syntactic reading of the question. */
	record Syntax(List<String> verbObjects, String pattern) {
	}

}
