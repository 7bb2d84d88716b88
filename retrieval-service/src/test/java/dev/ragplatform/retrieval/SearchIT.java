package dev.ragplatform.retrieval;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;
import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search against real PostgreSQL + pgvector, Kafka and the real embedding-service (query vectors); the rerank
 * service is a local HTTP server in the Cohere shape whose behaviour each test chooses.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.retrieval.search.max-exact-chunks=10000")
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchIT {

	static final String MODEL = "bge-small-en-v1.5";

	static final AtomicReference<String> rerankMode = new AtomicReference<>("reverse");

	static final java.util.concurrent.atomic.AtomicInteger rerankCalls = new java.util.concurrent.atomic.AtomicInteger();

	static final HttpServer reranker = fakeReranker();

	static final List<String> CORPUS = List.of(
			"Photosynthesis converts light energy into chemical energy stored in glucose inside chloroplasts.",
			"The mitochondrion is the powerhouse of the cell, producing ATP through cellular respiration.",
			"Rust's borrow checker enforces memory safety without a garbage collector.",
			"The French Revolution began in 1789 with the storming of the Bastille.",
			"Espresso is brewed by forcing hot water through finely ground coffee under pressure.",
			"Kubernetes schedules containers onto nodes and restarts them when they fail.",
			"Maintenance ticket QX7731: the hydraulic pump on line 4 leaks oil.",
			"Maintenance ticket QX7713: replace the conveyor belt on line 2.",
			"Maintenance ticket QX7137: recalibrate the torque sensor on line 4.",
			"Tides are caused by the gravitational pull of the moon and the sun.");

	static final List<Map<String, Object>> METADATA = List.of(
			Map.of("topic", "biology", "year", 1990, "tags", List.of("plants", "energy")),
			Map.of("topic", "biology", "year", 2005, "tags", List.of("cells", "energy")),
			Map.of("topic", "software", "year", 2015, "tags", List.of("languages")),
			Map.of("topic", "history", "year", 1789),
			Map.of("topic", "food", "year", 2001, "owner", "cafe"),
			Map.of("topic", "software", "year", 2014, "tags", List.of("ops")),
			Map.of("topic", "maintenance", "year", 2024, "line", 4, "owner", "plant-a"),
			Map.of("topic", "maintenance", "year", 2024, "line", 2, "owner", "plant-a"),
			Map.of("topic", "maintenance", "year", 2023, "line", 4, "owner", "plant-b"),
			Map.of("topic", "physics", "year", 1687));

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	RetrievalApi api;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.retrieval.embedding.url", () -> EmbeddingServiceProcess.url().toString());
		registry.add("rag.retrieval.rerank.url", () -> "http://127.0.0.1:" + reranker.getAddress().getPort());
		registry.add("rag.retrieval.rerank.timeout", () -> "1s");
		registry.add("rag.retrieval.rerank.open-for", () -> "1s");
		registry.add("rag.retrieval.rerank.failure-rate-threshold", () -> "100");
	}

	@BeforeAll
	void corpus() {
		this.api = new RetrievalApi(this.port, this.kafka);
		// LLM-Embedder's qa instructions on both sides (the service default is the model's own instructions)
		// rerank through rerank-service (a local fake here): the collection keeps no token vectors (LateInteractionIT)
		assertThat(this.api.post("/v1/collections", Map.of("name", "docs", "dimensions", 384, "defaultTask", "qa",
				"lateInteraction", Map.of("storage", "none")))
			.getStatusCode().value()).isEqualTo(201);
		for (int i = 0; i < CORPUS.size(); i++) {
			float[] vector = RetrievalApi.embedDocument(MODEL, "qa", CORPUS.get(i));
			this.api.publish(RetrievalApi.document("docs", "doc" + i, 1, List.of(CORPUS.get(i)), List.of(vector),
					List.of(METADATA.get(i)), MODEL));
		}
		this.api.awaitChunks("docs", CORPUS.size());
	}

	@BeforeEach
	void reset() {
		rerankMode.set("reverse");
	}

	@Test
	void denseSearchEmbedsTheQueryAndReturnsNearestNeighboursInOrder() {
		JsonNode response = search(Map.of("collection", "docs", "query", "How do plants turn sunlight into sugar?",
				"mode", "dense", "topK", 5));
		assertThat(ids(response).get(0)).isEqualTo("doc0");
		assertThat(response.path("exact").asBoolean()).as("10 chunks are searched exactly").isTrue();
		assertThat(response.path("task").asString()).isEqualTo("qa");
		List<Double> scores = scores(response, "dense");
		assertThat(scores).isSortedAccordingTo(Comparator.reverseOrder());
		JsonNode top = response.path("results").path(0);
		assertThat(top.path("title").asString()).isEqualTo("Title of doc0");
		assertThat(top.path("endOffset").asInt()).isEqualTo(CORPUS.get(0).length());
		assertThat(top.path("metadata").path("topic").asString()).isEqualTo("biology");
		assertThat(response.path("timings").has("embedMs")).isTrue();
		assertThat(response.path("timings").has("denseMs")).isTrue();
	}

	@Test
	void lexicalFindsAnExactRareTermThatDenseMisses() {
		Map<String, Object> query = Map.of("collection", "docs", "query", "QX7137", "topK", 3);
		JsonNode lexical = search(with(query, "mode", "lexical"));
		assertThat(ids(lexical)).containsExactly("doc8");
		assertThat(lexical.path("results").path(0).path("scores").path("lexical").asDouble()).isPositive();
		JsonNode dense = search(with(query, "mode", "dense"));
		assertThat(ids(dense).get(0)).as("the near-identical ticket numbers look alike to the embedding model")
			.isEqualTo("doc7");
		assertThat(ids(dense).indexOf("doc8")).isPositive();
		JsonNode hybrid = search(with(query, "mode", "hybrid"));
		assertThat(ids(hybrid).get(0)).isEqualTo("doc8");
		JsonNode top = hybrid.path("results").path(0);
		assertThat(top.path("ranks").has("dense")).isTrue();
		assertThat(top.path("ranks").path("lexical").asInt()).isEqualTo(1);
		assertThat(top.path("scores").path("fused").asDouble())
			.isEqualTo(1.0 / (60 + top.path("ranks").path("dense").asInt()) + 1.0 / (60 + 1), within());
	}

	@Test
	void lexicalStemsAndRanksByBm25() {
		JsonNode response = search(Map.of("collection", "docs", "query", "leaking pumps", "mode", "lexical"));
		assertThat(ids(response)).containsExactly("doc6");
		JsonNode line4 = search(Map.of("collection", "docs", "query", "line 4 sensor", "mode", "lexical"));
		assertThat(ids(line4).get(0)).as("matches both 'line 4' and 'sensor'").isEqualTo("doc8");
		assertThat(ids(line4)).contains("doc6", "doc7");
		JsonNode stopWords = search(Map.of("collection", "docs", "query", "the of and", "mode", "lexical"));
		assertThat(stopWords.path("results")).isEmpty();
	}

	@Test
	void filtersSelectByMetadata() {
		assertThat(filtered(Map.of("topic", "biology"))).containsExactlyInAnyOrder("doc0", "doc1");
		assertThat(filtered(Map.of("year", Map.of("gte", 2000, "lt", 2015)))).containsExactlyInAnyOrder("doc1",
				"doc4", "doc5");
		assertThat(filtered(Map.of("tags", Map.of("in", List.of("ops", "plants"))))).containsExactlyInAnyOrder("doc0",
				"doc5");
		assertThat(filtered(Map.of("tags", "energy"))).containsExactlyInAnyOrder("doc0", "doc1");
		assertThat(filtered(Map.of("owner", Map.of("exists", true)))).containsExactlyInAnyOrder("doc4", "doc6",
				"doc7", "doc8");
		assertThat(filtered(Map.of("owner", Map.of("ne", "plant-a")))).as("ne matches chunks without the field")
			.hasSize(8)
			.doesNotContain("doc6", "doc7");
		assertThat(filtered(Map.of("topic", "maintenance", "line", 4))).containsExactlyInAnyOrder("doc6", "doc8");
		assertThat(filtered(Map.of("or", List.of(Map.of("topic", "history"), Map.of("year", Map.of("lt", 1700))))))
			.containsExactlyInAnyOrder("doc3", "doc9");
		assertThat(filtered(Map.of("not", Map.of("topic", Map.of("in", List.of("maintenance", "biology"))))))
			.containsExactlyInAnyOrder("doc2", "doc3", "doc4", "doc5", "doc9");
		assertThat(filtered(Map.of("topic", Map.of("nin", List.of("maintenance", "biology", "software")))))
			.containsExactlyInAnyOrder("doc3", "doc4", "doc9");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"topic\": {\"regex\": \".*\"}}", "{\"a\\\" == 1 || true || \\\"b\": 1}",
			"{\"$.topic\": \"x\"}", "{\"and\": {}}", "{\"year\": {\"gt\": [1]}}", "[1, 2]",
			"{\"topic\": {\"in\": []}}", "{\"x'); DROP TABLE retrieval.collections; --\": 1}" })
	void malformedFiltersAreRejectedWithAProblem(String filter) {
		ResponseEntity<JsonNode> response = this.api.post("/v1/search", Map.of("collection", "docs", "query", "energy",
				"mode", "lexical", "filter", RetrievalApi.JSON.readTree(filter)));
		assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(400);
		assertThat(response.getBody().path("type").asString()).endsWith("/invalid-request");
		assertThat(response.getBody().path("detail").asString()).startsWith("filter: ");
	}

	@Test
	void injectionAttemptsInValuesAndNamesAreInert(PostgresDatabase db) throws Exception {
		assertThat(filtered(Map.of("topic", "biology' OR '1'='1"))).isEmpty();
		assertThat(filtered(Map.of("topic", "\" || $.year > 0 || \""))).isEmpty();
		ResponseEntity<JsonNode> badName = this.api.post("/v1/search",
				Map.of("collection", "docs'; DROP TABLE retrieval.collections; --", "query", "x"));
		assertThat(badName.getStatusCode().value()).isEqualTo(400);
		ResponseEntity<JsonNode> badCreate = this.api.post("/v1/collections",
				Map.of("name", "a\"; DROP SCHEMA retrieval CASCADE; --", "dimensions", 4));
		assertThat(badCreate.getStatusCode().value()).isEqualTo(400);
		try (var c = db.connect(); var s = c.createStatement();
				var rs = s.executeQuery("SELECT count(*) FROM retrieval.collections")) {
			rs.next();
			assertThat(rs.getInt(1)).isPositive();
		}
	}

	@Test
	void rerankReordersTheCandidatesAndSaysSo() {
		JsonNode plain = search(Map.of("collection", "docs", "query", "maintenance ticket", "mode", "hybrid", "topK", 4));
		JsonNode reranked = search(Map.of("collection", "docs", "query", "maintenance ticket", "mode", "hybrid", "topK",
				4, "rerank", Map.of("enabled", true, "topN", 4)));
		assertThat(reranked.path("reranked").asBoolean()).isTrue();
		List<String> expected = new ArrayList<>(ids(plain));
		java.util.Collections.reverse(expected); // the fake reranker scores later candidates higher
		assertThat(ids(reranked)).containsExactlyElementsOf(expected);
		assertThat(reranked.path("results").path(0).path("scores").has("rerank")).isTrue();
		assertThat(reranked.path("results").path(0).path("ranks").path("rerank").asInt()).isEqualTo(1);
		assertThat(reranked.path("timings").has("rerankMs")).isTrue();
	}

	@Test
	void onlyTheTopNAreRerankedAndTheRestFollowInRetrievalOrder() {
		JsonNode plain = search(Map.of("collection", "docs", "query", "maintenance ticket", "mode", "hybrid", "topK", 4));
		JsonNode reranked = search(Map.of("collection", "docs", "query", "maintenance ticket", "mode", "hybrid", "topK",
				4, "rerank", Map.of("enabled", true, "topN", 2)));
		List<String> order = ids(plain);
		assertThat(order).hasSize(4);
		// the fake reranker scores later candidates higher: the first two swap, the last two stay
		assertThat(ids(reranked)).containsExactly(order.get(1), order.get(0), order.get(2), order.get(3));
		assertThat(reranked.path("results").path(2).path("scores").has("rerank")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "fail", "slow", "garbage" })
	void aFailingRerankerDegradesToTheRetrievalOrder(String mode) {
		JsonNode plain = search(Map.of("collection", "docs", "query", "energy in cells", "mode", "hybrid", "topK", 4));
		rerankMode.set(mode);
		JsonNode response = search(Map.of("collection", "docs", "query", "energy in cells", "mode", "hybrid", "topK", 4,
				"rerank", Map.of("enabled", true)));
		assertThat(response.path("reranked").asBoolean()).isFalse();
		assertThat(response.path("rerankError").asString()).isNotBlank();
		assertThat(ids(response)).containsExactlyElementsOf(ids(plain));
	}

	@Test
	void theCircuitOpensAfterRepeatedFailuresAndClosesWhenTheRerankerRecovers() {
		rerankMode.set("fail");
		int before = rerankCalls.get();
		JsonNode last = null;
		for (int i = 0; i < 30; i++) {
			last = search(Map.of("collection", "docs", "query", "energy", "mode", "lexical", "rerank",
					Map.of("enabled", true)));
			assertThat(last.path("reranked").asBoolean()).isFalse();
		}
		assertThat(last.path("rerankError").asString()).contains("circuit breaker is open");
		assertThat(rerankCalls.get() - before).as("calls that reached the reranker").isLessThan(30);
		rerankMode.set("reverse");
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> search(Map.of("collection", "docs", "query", "energy", "mode", "lexical", "rerank",
					Map.of("enabled", true))).path("reranked").asBoolean());
	}

	@Test
	void vectorSearchIsExactOrApproximateAndSelectiveFiltersStillFillTopK() {
		int dims = 16;
		this.api.createCollection("random", dims);
		Random random = new Random(42);
		List<float[]> all = new ArrayList<>();
		for (int d = 0; d < 200; d++) {
			List<String> texts = new ArrayList<>();
			List<float[]> vectors = new ArrayList<>();
			List<Map<String, Object>> metadata = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				int n = d * 100 + i;
				float[] v = randomUnit(random, dims);
				all.add(v);
				texts.add("chunk " + n);
				vectors.add(v);
				metadata.add(Map.of("bucket", n % 100));
			}
			this.api.publish(RetrievalApi.document("random", "r" + d, 1, texts, vectors, metadata, MODEL));
		}
		this.api.awaitChunks("random", 20_000);
		float[] query = randomUnit(random, dims);
		List<Integer> exactOrder = IntStream.range(0, all.size())
			.boxed()
			.sorted(Comparator.comparingDouble((Integer n) -> -dot(all.get(n), query)))
			.toList();

		// forcing an exact scan of 20,000 chunks (over max-exact-chunks, 10,000 here) is for admin callers only
		Map<String, Object> forced = Map.of("collection", "random", "vector", query, "topK", 10, "exact", true);
		for (String scopes : List.of("", "read,write")) {
			ResponseEntity<JsonNode> refused = scopes.isEmpty() ? this.api.post("/v1/search/vector", forced)
					: this.api.post("/v1/search/vector", forced, "X-Rag-Caller-Scopes", scopes);
			assertThat(refused.getStatusCode().value()).as("%s", refused.getBody()).isEqualTo(403);
			assertThat(refused.getBody().path("detail").asString()).contains("20000 chunks")
				.contains("rag.retrieval.search.max-exact-chunks (10000)").contains("admin key");
		}
		JsonNode exact = vectorSearch(query, 10, null, true);
		assertThat(exact.path("exact").asBoolean()).isTrue();
		assertThat(chunkNumbers(exact)).containsExactlyElementsOf(exactOrder.subList(0, 10));
		JsonNode approximate = vectorSearch(query, 10, null, null);
		assertThat(approximate.path("exact").asBoolean()).as("20k chunks go through HNSW").isFalse();
		assertThat(overlap(chunkNumbers(approximate), exactOrder.subList(0, 10))).isGreaterThanOrEqualTo(9);
		assertThat(scores(approximate, "dense")).isSortedAccordingTo(Comparator.reverseOrder());

		// 1% of the collection passes the filter: topK results all the same, exactly (auto) and through HNSW
		List<Integer> filteredOrder = exactOrder.stream().filter((n) -> n % 100 == 42).toList();
		JsonNode auto = vectorSearch(query, 50, Map.of("bucket", 42), null);
		assertThat(auto.path("exact").asBoolean()).as("200 matching chunks are scanned exactly").isTrue();
		assertThat(chunkNumbers(auto)).containsExactlyElementsOf(filteredOrder.subList(0, 50));
		JsonNode iterative = vectorSearch(query, 50, Map.of("bucket", 42), false);
		assertThat(iterative.path("exact").asBoolean()).isFalse();
		assertThat(chunkNumbers(iterative)).hasSize(50).allMatch((n) -> n % 100 == 42);
		assertThat(overlap(chunkNumbers(iterative), filteredOrder.subList(0, 50))).isGreaterThanOrEqualTo(45);

		ResponseEntity<JsonNode> wrongDims = this.api.post("/v1/search/vector",
				Map.of("collection", "random", "vector", new float[] { 1, 2 }));
		assertThat(wrongDims.getStatusCode().value()).isEqualTo(400);
		assertThat(wrongDims.getBody().path("detail").asString()).contains("16 dimensions");
	}

	@Test
	void badRequestsGetProblems() {
		assertThat(status(Map.of("collection", "nope", "query", "x"))).isEqualTo(404);
		assertThat(status(Map.of("collection", "docs", "query", " "))).isEqualTo(400);
		assertThat(status(Map.of("collection", "docs", "query", "x", "mode", "semantic"))).isEqualTo(400);
		assertThat(status(Map.of("collection", "docs", "query", "x", "topK", 0))).isEqualTo(400);
		assertThat(status(Map.of("collection", "docs", "query", "x", "topK", 100_000))).isEqualTo(400);
		assertThat(status(Map.of("collection", "docs", "query", "x", "efSearch", 5000))).isEqualTo(400);
		assertThat(status(Map.of("collection", "docs", "query", "x", "task", "no-such-task", "mode", "dense")))
			.isEqualTo(400);
		assertThat(this.api.post("/v1/search", "{not json").getStatusCode().value()).isEqualTo(400);
	}

	@Test
	void queriesLongerThanTheCapsAreRefusedBeforeTheyCostAnything() {
		// 1,100 distinct words (1,100 lexemes): over max-query-terms for lexical and hybrid, fine for dense
		StringBuilder words = new StringBuilder();
		for (int i = 0; i < 1100; i++) {
			words.append("term").append(Integer.toString(i, 26).replace('0', 'z')).append("x ");
		}
		for (String mode : List.of("lexical", "hybrid")) {
			ResponseEntity<JsonNode> refused = this.api.post("/v1/search", Map.of("collection", "docs", "query",
					words.toString(), "mode", mode));
			assertThat(refused.getStatusCode().value()).as("%s", refused.getBody()).isEqualTo(400);
			assertThat(refused.getBody().path("detail").asString()).contains("1100 distinct terms")
				.contains("rag.retrieval.search.max-query-terms");
		}
		assertThat(search(Map.of("collection", "docs", "query", words.toString(), "mode", "dense")).path("results"))
			.isNotEmpty();
		// the 12,000-word query seen to take 1.8 s on an empty collection: over max-query-characters, for every mode
		String long12k = "sunlight ".repeat(12_000);
		for (String mode : List.of("lexical", "hybrid", "dense")) {
			ResponseEntity<JsonNode> refused = this.api.post("/v1/search", Map.of("collection", "docs", "query",
					long12k, "mode", mode));
			assertThat(refused.getStatusCode().value()).as("%s", refused.getBody()).isEqualTo(400);
			assertThat(refused.getBody().path("detail").asString()).contains("108000 characters")
				.contains("rag.retrieval.search.max-query-characters");
		}
	}

	private int status(Map<String, Object> request) {
		ResponseEntity<JsonNode> response = this.api.post("/v1/search", request);
		assertThat(response.getBody().has("detail")).as("%s", response).isTrue();
		return response.getStatusCode().value();
	}

	private JsonNode search(Map<String, Object> request) {
		ResponseEntity<JsonNode> response = this.api.post("/v1/search", request);
		assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(200);
		return response.getBody();
	}

	private JsonNode vectorSearch(float[] vector, int topK, Object filter, Boolean exact) {
		Map<String, Object> request = new LinkedHashMap<>(Map.of("collection", "random", "vector", vector, "topK", topK));
		if (filter != null) {
			request.put("filter", filter);
		}
		if (exact != null) {
			request.put("exact", exact);
		}
		ResponseEntity<JsonNode> response = this.api.post("/v1/search/vector", request, "X-Rag-Caller-Scopes",
				"admin,read,write");
		assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(200);
		return response.getBody();
	}

	private List<String> filtered(Map<String, Object> filter) {
		return ids(search(Map.of("collection", "docs", "query", "anything", "mode", "dense", "topK", 20, "filter",
				filter)));
	}

	private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(map);
		copy.put(key, value);
		return copy;
	}

	private static List<String> ids(JsonNode response) {
		List<String> ids = new ArrayList<>();
		response.path("results").forEach((r) -> ids.add(r.path("documentId").asString()));
		return ids;
	}

	private static List<Integer> chunkNumbers(JsonNode response) {
		List<Integer> numbers = new ArrayList<>();
		response.path("results").forEach((r) -> numbers.add(Integer.parseInt(r.path("text").asString().substring(6))));
		return numbers;
	}

	private static List<Double> scores(JsonNode response, String stage) {
		List<Double> scores = new ArrayList<>();
		response.path("results").forEach((r) -> scores.add(r.path("scores").path(stage).asDouble()));
		return scores;
	}

	private static long overlap(List<Integer> a, List<Integer> b) {
		Set<Integer> set = new HashSet<>(b);
		return a.stream().filter(set::contains).count();
	}

	private static org.assertj.core.data.Offset<Double> within() {
		return org.assertj.core.data.Offset.offset(1e-9);
	}

	private static float[] randomUnit(Random random, int dims) {
		float[] v = new float[dims];
		double norm = 0;
		for (int i = 0; i < dims; i++) {
			v[i] = (float) random.nextGaussian();
			norm += v[i] * v[i];
		}
		for (int i = 0; i < dims; i++) {
			v[i] /= (float) Math.sqrt(norm);
		}
		return v;
	}

	private static double dot(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) {
			s += a[i] * b[i];
		}
		return s;
	}

	/** Cohere-shaped reranker: "reverse" scores later documents higher; "fail", "slow", "garbage" misbehave. */
	private static HttpServer fakeReranker() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/v1/rerank", (exchange) -> {
				rerankCalls.incrementAndGet();
				JsonNode request = RetrievalApi.JSON.readTree(exchange.getRequestBody().readAllBytes());
				String mode = rerankMode.get();
				int status = 200;
				String body;
				switch (mode) {
					case "fail" -> {
						status = 503;
						body = "{\"message\":\"overloaded\"}";
					}
					case "garbage" -> body = "{\"results\": [{\"index\": 99, \"relevance_score\": 1}]}";
					default -> {
						if (mode.equals("slow")) {
							try {
								Thread.sleep(2500);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						}
						List<Map<String, Object>> results = new ArrayList<>();
						for (int i = 0; i < request.path("documents").size(); i++) {
							results.add(Map.of("index", i, "relevance_score", (double) i));
						}
						results.sort(Comparator.comparingDouble((Map<String, Object> r) -> -(double) r.get("relevance_score")));
						body = RetrievalApi.JSON.writeValueAsString(Map.of("results", results));
					}
				}
				byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(status, bytes.length);
				exchange.getResponseBody().write(bytes);
				exchange.close();
			});
			server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

}
