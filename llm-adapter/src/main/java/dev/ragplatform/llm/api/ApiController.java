package dev.ragplatform.llm.api;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/apis/recommend}: which API methods solve a programming question, with the examples and
 * documentation that support each; {@code POST /v1/apis/examples:import}: solved examples from a CSV.
 */
@RestController
class ApiController {

	static final int DEFAULT_TOP_K = 10;

	static final int MAX_TOP_K = 100;

	static final int MAX_EXAMPLES_PER_SOURCE = 100;

	/** retrieval-service's collection names. */
	private static final Pattern COLLECTION = dev.ragplatform.contracts.collection.CollectionNames.PATTERN;

	private final ApiRecommender recommender;

	private final ExampleImporter importer;

	private final int maxQueryChars;

	private final int examplesPerSource;

	private final LlmAdapterProperties.Apis.Weights weights;

	private final boolean rerankExamples;

	private final boolean rerankDocuments;

	ApiController(ApiRecommender recommender, ExampleImporter importer, LlmAdapterProperties properties) {
		this.recommender = recommender;
		this.importer = importer;
		this.maxQueryChars = properties.apis().maxQueryChars();
		this.examplesPerSource = properties.apis().examplesPerSource();
		this.weights = properties.apis().weights();
		this.rerankExamples = properties.apis().rerankExamples();
		this.rerankDocuments = properties.apis().rerankDocuments();
	}

	@PostMapping("/v1/apis/recommend")
	Recommendation recommend(@RequestBody RecommendRequest request) {
		return this.recommender.recommend(query(request));
	}

	@PostMapping(path = "/v1/apis/examples:import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	@ResponseStatus(HttpStatus.ACCEPTED)
	ExampleImporter.Imported importExamples(@RequestParam("collection") String collection,
			@RequestPart("file") MultipartFile file) throws IOException {
		collection(collection, "collection");
		if (file.isEmpty()) {
			throw ServiceProblem.badRequest("'file' is empty: send a CSV in the biker-train-qa.csv layout.");
		}
		String csv;
		try {
			csv = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.decode(java.nio.ByteBuffer.wrap(file.getBytes()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw ServiceProblem.badRequest("'file' is not UTF-8 text.");
		}
		return this.importer.importCsv(collection, csv);
	}

	private ApiRecommender.Query query(RecommendRequest request) {
		if (request == null || request.query() == null || request.query().isBlank()) {
			throw ServiceProblem.badRequest("'query' is required: the programming question to recommend APIs for.");
		}
		if (request.query().length() > this.maxQueryChars) {
			throw ServiceProblem.badRequest("'query' has " + request.query().length() + " characters; at most "
					+ this.maxQueryChars + " are accepted (rag.llm.apis.max-query-chars).");
		}
		if (request.apiCollection() == null || request.apiCollection().isBlank()) {
			throw ServiceProblem.badRequest("'apiCollection' is required: the collection of API documentation "
					+ "(e.g. imported by ingest-service's Java API source connector).");
		}
		collection(request.apiCollection(), "apiCollection");
		String examples = (request.examplesCollection() == null || request.examplesCollection().isBlank()) ? null
				: request.examplesCollection();
		if (examples != null) {
			collection(examples, "examplesCollection");
		}
		JsonNode filter = request.examplesFilter();
		if (filter != null && filter.isNull()) {
			filter = null;
		}
		if (filter != null && !filter.isObject()) {
			throw ServiceProblem.badRequest("'examplesFilter' must be a JSON object, a retrieval-service metadata filter "
					+ "such as {\"titleKey\": {\"ne\": \"howtoparseanint\"}}.");
		}
		if (filter != null && examples == null) {
			throw ServiceProblem.badRequest("'examplesFilter' needs an 'examplesCollection' to filter.");
		}
		int topK = (request.topK() != null) ? request.topK() : DEFAULT_TOP_K;
		if (topK < 1 || topK > MAX_TOP_K) {
			throw ServiceProblem.badRequest("'topK' must be between 1 and " + MAX_TOP_K + ", not " + topK + ".");
		}
		ApiRecommender.Mode mode = null;
		if (request.mode() != null) {
			try {
				mode = ApiRecommender.Mode.valueOf(request.mode().strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw ServiceProblem.badRequest("Unknown mode '" + request.mode() + "': use retrieval or llm.");
			}
		}
		int perSource = (request.examplesPerSource() != null) ? request.examplesPerSource() : this.examplesPerSource;
		if (perSource < 1 || perSource > MAX_EXAMPLES_PER_SOURCE) {
			throw ServiceProblem.badRequest("'examplesPerSource' must be between 1 and " + MAX_EXAMPLES_PER_SOURCE
					+ ", not " + perSource + ".");
		}
		return new ApiRecommender.Query(request.query(), request.apiCollection(), examples, topK, mode, filter,
				perSource, weights(request.weights()),
				(request.rerankExamples() != null) ? request.rerankExamples() : this.rerankExamples,
				(request.rerankDocuments() != null) ? request.rerankDocuments() : this.rerankDocuments);
	}

	/** The configured weights, with those the request sets in their place. */
	private LlmAdapterProperties.Apis.Weights weights(JsonNode given) {
		LlmAdapterProperties.Apis.Weights w = this.weights;
		if (given == null || given.isNull()) {
			return w;
		}
		if (!given.isObject()) {
			throw ServiceProblem.badRequest("'weights' must be a JSON object, e.g. {\"lexical\": 0.25, \"documents\": 0.02}.");
		}
		java.util.Set<String> known = java.util.Set.of("semantic", "lexical", "syntactic", "votes", "documents",
				"adaptedDocuments", "names", "rrfK");
		for (String name : given.propertyNames()) {
			if (!known.contains(name)) {
				throw ServiceProblem.badRequest("Unknown weight '" + name + "': use " + String.join(", ",
						new java.util.TreeSet<>(known)) + ".");
			}
			JsonNode value = given.path(name);
			if (!value.isNumber() || value.asDouble() < 0 || Double.isNaN(value.asDouble())
					|| ("rrfK".equals(name) && !value.canConvertToInt())) {
				throw ServiceProblem.badRequest("Weight '" + name + "' must be a number ≥ 0"
						+ ("rrfK".equals(name) ? " (a whole one)" : "") + ", not " + value + ".");
			}
		}
		return new LlmAdapterProperties.Apis.Weights(number(given, "semantic", w.semantic()),
				number(given, "lexical", w.lexical()), number(given, "syntactic", w.syntactic()),
				number(given, "votes", w.votes()), number(given, "documents", w.documents()),
				number(given, "adaptedDocuments", w.adaptedDocuments()), number(given, "names", w.names()),
				given.has("rrfK") ? given.path("rrfK").asInt() : w.rrfK());
	}

	private static double number(JsonNode given, String name, double fallback) {
		return given.has(name) ? given.path(name).asDouble() : fallback;
	}

	private static void collection(String name, String field) {
		if (name == null || !COLLECTION.matcher(name).matches()) {
			throw ServiceProblem.badRequest("'" + field + "' is not a collection name: " + ((name == null) ? "missing"
					: "'" + name + "' does not match " + COLLECTION.pattern()) + ".");
		}
	}

	/**
	 * A recommendation request.
	 *
	 * @param query a programming question
	 * @param apiCollection API documentation: one document per method, chunk metadata {@code api} =
	 * {@code package.Class.method} (as the Java API source connector writes it)
	 * @param examplesCollection solved examples: metadata {@code apis} (list of {@code package.Class.method}) and
	 * {@code titleKey}; optional
	 * @param topK how many APIs (default 10, at most 100)
	 * @param mode {@code retrieval} or {@code llm} (default {@code llm} when an LLM is configured, else
	 * {@code retrieval})
	 * @param examplesFilter a retrieval-service metadata filter applied to every example search, e.g.
	 * {@code {"titleKey": {"ne": "…"}}} to leave out near-copies of the question
	 * @param examplesPerSource examples each selector picks, 1–100 (default {@code rag.llm.apis.examples-per-source})
	 * @param weights any of the fusion's weights ({@code semantic}, {@code lexical}, {@code syntactic}, {@code votes},
	 * {@code documents}, {@code adaptedDocuments}, {@code names}, {@code rrfK}) for this request; the others keep their
	 * configured values ({@code rag.llm.apis.weights.*})
	 * @param rerankExamples whether the semantically selected examples are re-scored by late interaction before they
	 * vote (default {@code rag.llm.apis.rerank-examples})
	 * @param rerankDocuments whether the dense ranking of the API documents is re-scored by late interaction before it
	 * is fused (default {@code rag.llm.apis.rerank-documents})
	 */
	record RecommendRequest(String query, String apiCollection, String examplesCollection, Integer topK, String mode,
			JsonNode examplesFilter, Integer examplesPerSource, JsonNode weights, Boolean rerankExamples,
			Boolean rerankDocuments) {
	}

}
