package dev.ragplatform.rerank.ranking;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.ragplatform.rerank.model.TinyCrossEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Both rerank APIs over real HTTP: the default late-interaction model on the bundled bge-small, and a tiny real
 * cross-encoder built by the test (scores it predicts exactly), with every error the service answers as a problem.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RerankApiIT {

	static final String DEFAULT = "bge-small-en-v1.5-maxsim";

	/** A cross-encoder of 32 tokens per pair whose logit is the sum of the passage tokens' weights. */
	static final String TINY = "tiny";

	static final String QUERY = "What causes rust on iron?";

	static final List<String> PASSAGES = List.of(
			"Vaccines expose the immune system to a harmless piece of a pathogen so that it learns to respond.",
			"The Eiffel Tower was completed in 1889 as the entrance arch to the World's Fair in Paris.",
			"Iron oxide, commonly called rust, forms when iron reacts with oxygen and moisture over time.",
			"Bananas are rich in potassium and are one of the most popular fruits worldwide.",
			"Mercury is the planet nearest to the Sun.");

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static Path models;

	@LocalServerPort
	int port;

	private HuggingFaceTokenizer tokenizer;

	@DynamicPropertySource
	static void tinyCrossEncoder(DynamicPropertyRegistry registry) throws IOException {
		models = Files.createTempDirectory("rerank-api-it");
		Path tiny = TinyCrossEncoder.write(models.resolve(TINY), TINY, 32, "sigmoid", 1);
		registry.add("rag.rerank.models[0]", tiny::toString);
	}

	@BeforeAll
	void loadTokenizer() throws IOException {
		System.setProperty("ai.djl.offline", "true");
		try (InputStream json = getClass().getClassLoader().getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
			this.tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false", "truncation",
					"false", "padding", "false", "modelMaxLength", "100000"));
		}
	}

	@AfterAll
	void cleanUp() throws IOException {
		this.tokenizer.close();
		FileSystemUtils.deleteRecursively(models);
	}

	@Test
	void cohereApiRanksWithTheDefaultLateInteractionModel() throws Exception {
		JsonNode response = ok(post("/v1/rerank", Map.of("query", QUERY, "documents", PASSAGES, "top_n", 3)));
		assertThat(response.get("model").stringValue()).isEqualTo(DEFAULT);
		JsonNode results = response.get("results");
		assertThat(results).hasSize(3);
		assertThat(results.get(0).get("index").intValue()).isEqualTo(2);
		assertThat(scores(results, "relevance_score")).isSortedAccordingTo(Comparator.reverseOrder());
		assertThat(results.get(0).has("document")).isFalse();
		assertThat(response.at("/meta/tokens/input_tokens").longValue()).isPositive()
			.isEqualTo(response.at("/usage/total_tokens").longValue());
		assertThat(response.get("id").stringValue()).isNotBlank();
		// Cohere's v2 path answers the same
		JsonNode v2 = ok(post("/v2/rerank", Map.of("query", QUERY, "documents", PASSAGES, "top_n", 3)));
		assertThat(scores(v2.get("results"), "relevance_score")).containsExactlyElementsOf(scores(results, "relevance_score"));
	}

	@Test
	void theReadmesExamplesAnswerAsShown() throws Exception {
		JsonNode cohere = ok(post("/v1/rerank", JSON.readTree("""
				{"query": "What causes rust on iron?",
				 "documents": ["Bananas are rich in potassium.", {"text": "Iron oxide, commonly called rust, forms when iron reacts with oxygen and moisture."}],
				 "top_n": 1, "return_documents": true}""")));
		assertThat(cohere.get("model").stringValue()).isEqualTo(DEFAULT);
		assertThat(cohere.get("results")).hasSize(1);
		assertThat(cohere.at("/results/0/index").intValue()).isEqualTo(1);
		assertThat(cohere.at("/results/0/relevance_score").floatValue()).isCloseTo(0.793f, within(0.002f));
		assertThat(cohere.at("/usage/total_tokens").intValue()).isEqualTo(42);
		assertThat(cohere.at("/results/0/document/text").stringValue()).startsWith("Iron oxide, ");
		JsonNode tei = ok(post("/rerank", JSON.readTree("""
				{"query": "What causes rust on iron?",
				 "texts": ["Bananas are rich in potassium.", "Iron oxide, commonly called rust, forms when iron reacts with oxygen."]}""")));
		assertThat(tei.at("/0/index").intValue()).isEqualTo(1);
		assertThat(tei.at("/0/score").floatValue()).isCloseTo(0.794f, within(0.002f));
		assertThat(tei.at("/1/index").intValue()).isZero();
		assertThat(tei.at("/1/score").floatValue()).isCloseTo(0.366f, within(0.002f));
	}

	@Test
	void retrievalServicesRerankClientGetsAScoreForEveryIndex() throws Exception {
		// the body dev.ragplatform.retrieval.search.RerankClient sends
		Map<String, Object> body = new HashMap<>();
		body.put("query", QUERY);
		body.put("documents", PASSAGES);
		body.put("top_n", PASSAGES.size());
		body.put("return_documents", false);
		JsonNode results = ok(post("/v1/rerank", body)).get("results");
		assertThat(results).hasSize(PASSAGES.size());
		Set<Integer> indices = new HashSet<>();
		for (JsonNode result : results) {
			indices.add(result.get("index").intValue());
			assertThat(result.get("relevance_score").isNumber()).isTrue();
		}
		assertThat(indices).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
	}

	@Test
	void aCrossEncoderScoresEachPairAsPredictedAndReturnsDocumentsOnRequest() throws Exception {
		List<Map<String, String>> objects = PASSAGES.stream().map((text) -> Map.of("text", text)).toList();
		JsonNode response = ok(post("/v1/rerank", Map.of("model", TINY, "query", QUERY, "documents", objects,
				"top_n", 2, "return_documents", true)));
		assertThat(response.get("model").stringValue()).isEqualTo(TINY);
		List<Integer> expectedOrder = order(predicted(QUERY, PASSAGES, null));
		JsonNode results = response.get("results");
		assertThat(results).hasSize(2);
		for (int rank = 0; rank < 2; rank++) {
			int index = expectedOrder.get(rank);
			assertThat(results.get(rank).get("index").intValue()).isEqualTo(index);
			assertThat(results.get(rank).get("relevance_score").floatValue())
				.isCloseTo(sigmoid(predicted(QUERY, PASSAGES, null)[index]), within(1e-5f));
			assertThat(results.get(rank).at("/document/text").stringValue()).isEqualTo(PASSAGES.get(index));
		}
		int room = 32 - 3 - this.tokenizer.encode(QUERY).getIds().length;
		assertThat(response.at("/meta/truncated_documents").intValue()).isEqualTo(
				(int) PASSAGES.stream().filter((p) -> this.tokenizer.encode(p).getIds().length > room).count());

		// max_tokens_per_doc: only the first 3 passage tokens count
		JsonNode capped = ok(post("/v1/rerank", Map.of("model", TINY, "query", QUERY, "documents", PASSAGES,
				"max_tokens_per_doc", 3)));
		float[] logits = predicted(QUERY, PASSAGES, 3);
		for (JsonNode result : capped.get("results")) {
			assertThat(result.get("relevance_score").floatValue())
				.isCloseTo(sigmoid(logits[result.get("index").intValue()]), within(1e-5f));
		}
		assertThat(capped.at("/meta/truncated_documents").intValue()).isEqualTo(PASSAGES.size());
	}

	@Test
	void teiApiAnswersAnArrayBestFirstWithRawScoresAndTextsOnRequest() throws Exception {
		JsonNode raw = ok(post("/rerank", Map.of("model", TINY, "query", QUERY, "texts", PASSAGES, "raw_scores", true,
				"return_text", true)));
		float[] logits = predicted(QUERY, PASSAGES, null);
		assertThat(raw.isArray()).isTrue();
		assertThat(raw).hasSize(PASSAGES.size());
		List<Integer> order = order(logits);
		for (int rank = 0; rank < raw.size(); rank++) {
			JsonNode entry = raw.get(rank);
			assertThat(entry.get("index").intValue()).isEqualTo(order.get(rank));
			assertThat(entry.get("score").floatValue()).isCloseTo(logits[order.get(rank)], within(1e-5f));
			assertThat(entry.get("text").stringValue()).isEqualTo(PASSAGES.get(order.get(rank)));
		}
		JsonNode normalised = ok(post("/rerank", Map.of("model", TINY, "query", QUERY, "texts", PASSAGES)));
		assertThat(normalised.get(0).get("score").floatValue()).isCloseTo(sigmoid(logits[order.get(0)]), within(1e-5f));
		assertThat(normalised.get(0).has("text")).isFalse();

		JsonNode late = ok(post("/rerank", Map.of("query", QUERY, "texts", PASSAGES)));
		assertThat(late.get(0).get("index").intValue()).isEqualTo(2);
		assertThat(scores(late, "score")).isSortedAccordingTo(Comparator.reverseOrder());
	}

	@Test
	void modelsAreListedWithKindLengthAndScoreFunction() throws Exception {
		JsonNode data = ok(get("/v1/models")).get("data");
		Map<String, JsonNode> byId = new LinkedHashMap<>();
		data.forEach((model) -> byId.put(model.get("id").stringValue(), model));
		assertThat(byId).containsOnlyKeys(DEFAULT, TINY);
		assertThat(byId.get(DEFAULT).get("kind").stringValue()).isEqualTo("late-interaction");
		assertThat(byId.get(DEFAULT).get("max_length").intValue()).isEqualTo(512);
		assertThat(byId.get(DEFAULT).get("score_function").stringValue()).isEqualTo("maxsim");
		assertThat(byId.get(DEFAULT).get("default").booleanValue()).isTrue();
		assertThat(byId.get(TINY).get("kind").stringValue()).isEqualTo("cross-encoder");
		assertThat(byId.get(TINY).get("max_length").intValue()).isEqualTo(32);
		assertThat(byId.get(TINY).get("score_function").stringValue()).isEqualTo("sigmoid");
		assertThat(byId.get(TINY).get("default").booleanValue()).isFalse();
	}

	@Test
	void badRequestsGetProblemDetailsWithTheRightStatus() throws Exception {
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", List.of())), 400,
				"documents must not be empty");
		assertProblem(post("/rerank", Map.of("query", QUERY, "texts", List.of())), 400, "documents must not be empty");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", Collections.nCopies(1001, "x"))), 400,
				"1001 documents in one request; at most 1000 are allowed");
		assertProblem(post("/v1/rerank", Map.of("model", "rerank-english-v3.0", "query", QUERY, "documents", PASSAGES)),
				404, "bge-small-en-v1.5-maxsim, tiny");
		assertProblem(post("/rerank", Map.of("model", "nope", "query", QUERY, "texts", PASSAGES)), 404, "unknown model");
		assertProblem(post("/v1/rerank", Map.of("documents", PASSAGES)), 400, "query is required");
		assertProblem(post("/v1/rerank", Map.of("query", "  ", "documents", PASSAGES)), 400, "query is required");
		assertProblem(post("/rerank", Map.of("texts", PASSAGES)), 400, "query is required");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY)), 400, "documents is required");
		assertProblem(post("/rerank", Map.of("query", QUERY)), 400, "texts is required");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", "one string")), 400, "must be an array");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", List.of("ok", 42))), 400,
				"documents[1] must be a string or an object");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", List.of(Map.of("title", "x")))), 400,
				"documents[0]");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", PASSAGES, "top_n", 0)), 400,
				"top_n must be at least 1");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", PASSAGES, "max_tokens_per_doc", 0)), 400,
				"max_tokens_per_doc must be at least 1");
		assertProblem(post("/v1/rerank", Map.of("model", TINY, "query", "word ".repeat(14), "documents", PASSAGES)),
				400, "queries are never truncated");
		assertProblem(post("/v1/rerank", Map.of("query", "word ".repeat(520), "documents", PASSAGES)), 400,
				"takes at most 512");
		assertProblem(post("/v1/rerank", Map.of("query", "x".repeat(4097), "documents", PASSAGES)), 413,
				"at most 4096");
		assertProblem(post("/v1/rerank", Map.of("query", QUERY, "documents", List.of("x".repeat(32769)))), 413,
				"document 0 has 32769 characters; at most 32768");
		assertProblem(post("/rerank", Map.of("model", TINY, "query", QUERY, "texts", List.of("short", "word ".repeat(40)),
				"truncate", false)), 413, "document 1 has 40 tokens");
		assertProblem(post("/rerank", Map.of("query", QUERY, "texts", List.of("word ".repeat(600)), "truncate", false)),
				413, "document 0 has 600 tokens");
		assertProblem(post("/rerank", Map.of("query", QUERY, "texts", PASSAGES, "truncation_direction", "Left")), 400,
				"truncation_direction");
		Response malformed = send(HttpRequest.newBuilder(uri("/v1/rerank")).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"query\":")).build());
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.json().get("status").intValue()).isEqualTo(400);
		Response notAnObject = send(HttpRequest.newBuilder(uri("/rerank")).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("[1, 2]")).build());
		assertThat(notAnObject.status()).isEqualTo(400);
		// a long document is cut, not refused, when truncation is allowed (the default)
		assertThat(ok(post("/rerank", Map.of("model", TINY, "query", QUERY, "texts", List.of("word ".repeat(40))))))
			.hasSize(1);
	}

	@Test
	void metricsCountPairsRequestsAndDescribeBatches() throws Exception {
		ok(post("/v1/rerank", Map.of("model", TINY, "query", QUERY, "documents", PASSAGES)));
		post("/v1/rerank", Map.of("query", QUERY, "documents", List.of()));
		String metrics = HTTP.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		assertThat(metrics).contains("rag_rerank_pairs_total{application=\"rerank-service\",model=\"tiny\"}",
				"rag_rerank_batch_size", "rag_rerank_batch_tokens", "rag_rerank_queue_time_seconds",
				"rag_rerank_inference_time_seconds", "rag_rerank_requests_total{api=\"cohere\"",
				"outcome=\"success\"", "outcome=\"invalid\"");
	}

	/** The tiny cross-encoder's logits: the passage's kept tokens and its closing [SEP], summed by weight. */
	private float[] predicted(String query, List<String> passages, Integer maxTokensPerDoc) {
		int room = 32 - 3 - this.tokenizer.encode(query).getIds().length;
		int allowed = (maxTokensPerDoc != null) ? Math.min(room, maxTokensPerDoc) : room;
		float[] logits = new float[passages.size()];
		for (int i = 0; i < logits.length; i++) {
			long[] ids = this.tokenizer.encode(passages.get(i)).getIds();
			float sum = TinyCrossEncoder.weight(102);
			for (int t = 0; t < Math.min(ids.length, allowed); t++) {
				sum += TinyCrossEncoder.weight(ids[t]);
			}
			logits[i] = sum;
		}
		return logits;
	}

	private static List<Integer> order(float[] scores) {
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < scores.length; i++) {
			order.add(i);
		}
		order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt((i) -> i));
		return order;
	}

	private static float sigmoid(float x) {
		return (float) (1 / (1 + Math.exp(-x)));
	}

	private static List<Float> scores(JsonNode results, String field) {
		List<Float> scores = new ArrayList<>();
		results.forEach((result) -> scores.add(result.get(field).floatValue()));
		return scores;
	}

	private static void assertProblem(Response response, int status, String detail) {
		assertThat(response.status()).as(response.json().toString()).isEqualTo(status);
		assertThat(response.json().get("status").intValue()).isEqualTo(status);
		assertThat(response.json().get("type").stringValue()).startsWith("https://ragplatform.dev/problems/");
		assertThat(response.json().get("detail").stringValue()).contains(detail);
	}

	private static JsonNode ok(Response response) {
		assertThat(response.status()).as(response.json().toString()).isEqualTo(200);
		return response.json();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Response post(String path, Object body) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
	}

	private Response get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	private static Response send(HttpRequest request) throws Exception {
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return new Response(response.statusCode(), JSON.readTree(response.body()));
	}

	record Response(int status, JsonNode json) {
	}

}
