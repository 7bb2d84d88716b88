package dev.ragplatform.retrieval;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.runtime.lateinteraction.MaxSim;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Late interaction over token vectors stored at index time, against real PostgreSQL, Kafka and embedding-service:
 * each rerank score must be MaxSim of the query against the token vectors published with that very chunk, so a
 * dropped, truncated or misordered stored vector fails; chunks without vectors fall back and say so. rerank-service
 * is not running: a fallback that reaches it reports its failure.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateInteractionIT {

	static final String MODEL = "bge-small-en-v1.5";

	static final List<String> CORPUS = List.of(
			"Photosynthesis converts light energy into chemical energy stored in glucose inside chloroplasts.",
			"The mitochondrion is the powerhouse of the cell, producing ATP through cellular respiration.",
			"Rust's borrow checker enforces memory safety without a garbage collector.",
			"The French Revolution began in 1789 with the storming of the Bastille.",
			"Espresso is brewed by forcing hot water through finely ground coffee under pressure.",
			"Kubernetes schedules containers onto nodes and restarts them when they fail.",
			"Plants use chlorophyll to absorb sunlight; the light reactions split water and release oxygen.",
			"Tides are caused by the gravitational pull of the moon and the sun.");

	static final String QUERY = "How do plants turn sunlight into sugar?";

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	org.springframework.transaction.PlatformTransactionManager transactions;

	RetrievalApi api;

	/** What was published: collection → chunk key → token vectors. */
	final Map<String, Map<String, byte[]>> published = new HashMap<>();

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.retrieval.embedding.url", () -> EmbeddingServiceProcess.url().toString());
		registry.add("rag.retrieval.rerank.url", () -> "http://127.0.0.1:9"); // nothing listens
		registry.add("rag.retrieval.rerank.timeout", () -> "1s");
		registry.add("rag.retrieval.index.backfill-interval", () -> "500ms");
	}

	@BeforeAll
	void corpus() {
		this.api = new RetrievalApi(this.port, this.kafka);
		for (TokenEncoding encoding : TokenEncoding.values()) {
			String name = "li-" + encoding.id();
			// float32 token vectors of the default 480-token chunks would not fit a record: shorter chunks
			assertThat(this.api.post("/v1/collections", Map.of("name", name, "chunking", Map.of("targetTokens", 300),
					"lateInteraction", Map.of("storage", encoding.id()))).getStatusCode().value()).isEqualTo(201);
			// two documents: one single-part, one in three parts (through pending chunks)
			List<Embedded> embedded = embed(CORPUS, encoding);
			publish(name, "one", 0, 2, embedded, 1);
			publish(name, "many", 2, CORPUS.size(), embedded, 3);
			this.api.awaitChunks(name, CORPUS.size());
		}
	}

	@ParameterizedTest
	@EnumSource(TokenEncoding.class)
	void aSearchIsRerankedByDefaultByMaxSimOverEachChunksOwnStoredVectors(TokenEncoding encoding) {
		String name = "li-" + encoding.id();
		JsonNode response = search(Map.of("collection", name, "query", QUERY, "topK", 8));
		assertThat(response.path("reranked").asBoolean()).as(response.toString()).isTrue();
		assertThat(response.path("reranker").asString()).isEqualTo("late-interaction (stored " + encoding.id() + ")");
		assertThat(response.has("rerankNote")).isFalse();
		assertThat(response.path("timings").has("rerankMs")).isTrue();
		MaxSim maxSim = new MaxSim(queryTokens(QUERY));
		JsonNode results = response.path("results");
		assertThat(results).hasSize(CORPUS.size());
		double previous = Double.POSITIVE_INFINITY;
		for (JsonNode hit : results) {
			byte[] stored = this.published.get(name).get(hit.path("documentId").asString() + "/" + hit.path("chunkIndex").asInt());
			double expected = maxSim.score(encoding, stored);
			assertThat(hit.path("scores").path("rerank").asDouble()).as(hit.toString()).isCloseTo(expected, within(1e-5));
			assertThat(hit.path("score").asDouble()).isLessThanOrEqualTo(previous);
			previous = hit.path("score").asDouble();
		}
		assertThat(results.path(0).path("text").asString()).containsAnyOf("Photosynthesis", "chlorophyll");
	}

	@Test
	void theCollectionSaysHowItStoresTokenVectorsAndWhatTheyTake() {
		for (TokenEncoding encoding : TokenEncoding.values()) {
			JsonNode view = this.api.get("/v1/collections/li-" + encoding.id()).getBody();
			long bytes = this.published.get("li-" + encoding.id()).values().stream().mapToLong((b) -> b.length).sum();
			assertThat(view.path("lateInteraction").path("storage").asString()).isEqualTo(encoding.id());
			assertThat(view.path("lateInteraction").path("sizeBytes").asLong()).isEqualTo(bytes);
		}
		// out of line in every partition, never compressed
		List<String> storage = this.jdbc.queryForList("SELECT a.attstorage::text FROM pg_attribute a JOIN pg_class c "
				+ "ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'retrieval' "
				+ "AND c.relname LIKE 'chunks%' AND a.attname = 'token_vectors'", String.class);
		assertThat(storage).hasSizeGreaterThan(3).containsOnly("e");
	}

	@Test
	void aCollectionWithoutTokenVectorsFallsBackToRerankServiceWhenAskedAndSaysSo() {
		String name = "li-old";
		assertThat(this.api.post("/v1/collections", Map.of("name", name, "lateInteraction", Map.of("storage", "none")))
			.getStatusCode().value()).isEqualTo(201);
		publish(name, "old", 0, 3, embed(CORPUS.subList(0, 3), null), 1);
		this.api.awaitChunks(name, 3);
		JsonNode byDefault = search(Map.of("collection", name, "query", QUERY));
		assertThat(byDefault.has("reranked")).as("nothing cheap to rerank with: no rerank").isFalse();
		JsonNode asked = search(Map.of("collection", name, "query", QUERY, "rerank", Map.of("enabled", true)));
		assertThat(asked.path("reranked").asBoolean()).isFalse();
		assertThat(asked.path("rerankNote").asString()).contains("stores no token vectors");
		assertThat(asked.path("rerankError").asString()).contains("rerank-service");
		assertThat(asked.path("results")).hasSize(3);
	}

	@Test
	void theMigrationToRotatedSignsClearsOnlyBinaryVectorsAndTheBackfillStoresThemAgain() throws Exception {
		for (TokenEncoding encoding : List.of(TokenEncoding.BINARY, TokenEncoding.INT8)) {
			String name = "li-v7-" + encoding.id();
			assertThat(this.api.post("/v1/collections", Map.of("name", name, "lateInteraction",
					Map.of("storage", encoding.id()))).getStatusCode().value()).isEqualTo(201);
			publish(name, "old", 0, 3, embed(CORPUS.subList(0, 3), encoding), 1);
			this.api.awaitChunks(name, 3);
		}
		String migration;
		try (var in = getClass().getResourceAsStream("/db/migration/V7__binary_tokens_rotated.sql")) {
			migration = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		String missing = "SELECT count(*) FROM retrieval.chunks c JOIN retrieval.collections k ON k.id = c.collection_id "
				+ "WHERE k.name = ? AND c.token_vectors IS NULL";
		// run again as Flyway ran it, and looked at before the backfill can see it
		new org.springframework.transaction.support.TransactionTemplate(this.transactions).executeWithoutResult((tx) -> {
			this.jdbc.execute(migration);
			assertThat(this.jdbc.queryForObject(missing, Long.class, "li-v7-binary")).isEqualTo(3);
			assertThat(this.jdbc.queryForObject(missing, Long.class, "li-v7-int8")).isZero();
		});
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> this.api
			.get("/v1/collections/li-v7-binary").getBody().path("lateInteraction").path("missingChunks").asLong() == 0);
		MaxSim maxSim = new MaxSim(queryTokens(QUERY));
		for (TokenEncoding encoding : List.of(TokenEncoding.BINARY, TokenEncoding.INT8)) {
			JsonNode response = search(Map.of("collection", "li-v7-" + encoding.id(), "query", QUERY));
			assertThat(response.path("reranker").asString()).isEqualTo("late-interaction (stored " + encoding.id() + ")");
			for (JsonNode hit : response.path("results")) {
				byte[] stored = this.published.get("li-v7-" + encoding.id()).get("old/" + hit.path("chunkIndex").asInt());
				assertThat(hit.path("scores").path("rerank").asDouble()).as(hit.toString())
					.isCloseTo(maxSim.score(encoding, stored), within(1e-5));
			}
		}
	}

	@Test
	void anExistingCollectionIsBackfilledWithTheVectorsIngestWouldHaveSent() {
		String name = "li-backfill";
		assertThat(this.api.post("/v1/collections", Map.of("name", name, "lateInteraction", Map.of("storage", "none")))
			.getStatusCode().value()).isEqualTo(201);
		publish(name, "old", 0, CORPUS.size(), embed(CORPUS, null), 2);
		this.api.awaitChunks(name, CORPUS.size());
		ResponseEntity<JsonNode> kept = this.api.put("/v1/collections/" + name + "/late-interaction",
				Map.of("storage", "binary"));
		assertThat(kept.getStatusCode().value()).as("%s", kept).isEqualTo(200);
		assertThat(kept.getBody().path("lateInteraction").path("storage").asString()).isEqualTo("binary");
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> this.api
			.get("/v1/collections/" + name).getBody().path("lateInteraction").path("missingChunks").asLong() == 0);
		List<Embedded> expected = embed(CORPUS, TokenEncoding.BINARY);
		MaxSim maxSim = new MaxSim(queryTokens(QUERY));
		JsonNode response = search(Map.of("collection", name, "query", QUERY, "topK", 8));
		assertThat(response.path("reranker").asString()).isEqualTo("late-interaction (stored binary)");
		for (JsonNode hit : response.path("results")) {
			double score = maxSim.score(TokenEncoding.BINARY, expected.get(hit.path("chunkIndex").asInt()).tokens());
			assertThat(hit.path("scores").path("rerank").asDouble()).as(hit.toString()).isCloseTo(score, within(1e-5));
		}
		ResponseEntity<JsonNode> change = this.api.put("/v1/collections/" + name + "/late-interaction",
				Map.of("storage", "int8"));
		assertThat(change.getStatusCode().value()).isEqualTo(409);
		assertThat(this.api.put("/v1/collections/" + name + "/late-interaction", Map.of("storage", "binary"))
			.getStatusCode().value()).as("the same again is a no-op").isEqualTo(200);
	}

	@Test
	void rerankCanBeTurnedOffAndACollectionCanKeepNoTokenVectors() {
		JsonNode off = search(Map.of("collection", "li-binary", "query", QUERY, "rerank", Map.of("enabled", false)));
		assertThat(off.has("reranked")).isFalse();
		assertThat(off.has("reranker")).isFalse();
		assertThat(this.api.post("/v1/collections", Map.of("name", "li-none", "lateInteraction", Map.of("storage", "none")))
			.getBody().path("lateInteraction").path("storage").asString()).isEqualTo("none");
		JsonNode none = search(Map.of("collection", "li-none", "query", QUERY));
		assertThat(none.has("reranked")).isFalse();
	}

	@Test
	void badLateInteractionSettingsAre400() {
		ResponseEntity<JsonNode> storage = this.api.post("/v1/collections",
				Map.of("name", "li-bad", "lateInteraction", Map.of("storage", "fp8")));
		assertThat(storage.getStatusCode().value()).isEqualTo(400);
		assertThat(storage.getBody().path("detail").asString()).contains("binary, int8, float32 or none");
		ResponseEntity<JsonNode> width = this.api.post("/v1/collections", Map.of("name", "li-narrow", "dimensions", 128,
				"lateInteraction", Map.of("storage", "binary")));
		assertThat(width.getStatusCode().value()).isEqualTo(400);
		assertThat(width.getBody().path("detail").asString()).contains("full width");
		// float32 token vectors of the default 480-token chunks cannot travel in one record: refused up front
		ResponseEntity<JsonNode> big = this.api.post("/v1/collections", Map.of("name", "li-float-big",
				"lateInteraction", Map.of("storage", "float32")));
		assertThat(big.getStatusCode().value()).isEqualTo(400);
		assertThat(big.getBody().path("detail").asString()).contains("chunking.targetTokens to at most 382");
		ResponseEntity<JsonNode> fits = this.api.post("/v1/collections", Map.of("name", "li-float-fits",
				"chunking", Map.of("targetTokens", 382), "lateInteraction", Map.of("storage", "float32")));
		assertThat(fits.getStatusCode().value()).isEqualTo(201);
		assertThat(this.api.post("/v1/collections", Map.of("name", "li-later", "lateInteraction",
				Map.of("storage", "none"))).getStatusCode().value()).isEqualTo(201);
		ResponseEntity<JsonNode> later = this.api.put("/v1/collections/li-later/late-interaction",
				Map.of("storage", "float32"));
		assertThat(later.getStatusCode().value()).isEqualTo(400);
		assertThat(later.getBody().path("detail").asString()).contains("chunking.targetTokens to at most 382");
		// the default applies where it can: a collection narrower than the model's token vectors keeps none
		ResponseEntity<JsonNode> narrow = this.api.post("/v1/collections", Map.of("name", "li-narrow", "dimensions", 128));
		assertThat(narrow.getStatusCode().value()).isEqualTo(201);
		assertThat(narrow.getBody().path("lateInteraction").path("storage").asString()).isEqualTo("none");
		ResponseEntity<JsonNode> deep = this.api.post("/v1/search", Map.of("collection", "li-binary", "query", QUERY,
				"rerank", Map.of("enabled", true, "topN", 5000)));
		assertThat(deep.getStatusCode().value()).isEqualTo(400);
		// token vectors that are not whole tokens are a poison record: nothing is indexed
		this.api.createCollection("li-poison", 384);
		DocumentChunks broken = new DocumentChunks("li-poison", "broken", 1, 0, 1, 1, MODEL, null, null,
				List.of(new DocumentChunks.Chunk(0, "text", 0, 4, Map.of(), embed(List.of("text"), null).get(0).vector(),
						new byte[49])));
		this.api.publish(broken);
		this.api.publish(RetrievalApi.document("li-poison", "after", 1, List.of("later text"),
				List.of(embed(List.of("later text"), null).get(0).vector()), null, MODEL));
		this.api.awaitChunks("li-poison", 1);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM retrieval.documents WHERE document_id = 'broken'",
				Integer.class)).isZero();
	}

	private void publish(String collection, String documentId, int from, int to, List<Embedded> embedded, int parts) {
		List<DocumentChunks.Chunk> chunks = new ArrayList<>();
		for (int i = from; i < to; i++) {
			Embedded e = embedded.get(i);
			chunks.add(new DocumentChunks.Chunk(i - from, CORPUS.get(i), 0, CORPUS.get(i).length(), Map.of(), e.vector(),
					e.tokens()));
			if (e.tokens() != null) {
				this.published.computeIfAbsent(collection, (k) -> new HashMap<>()).put(documentId + "/" + (i - from),
						e.tokens());
			}
		}
		int per = (chunks.size() + parts - 1) / parts;
		for (int p = 0; p < parts; p++) {
			this.api.publish(new DocumentChunks(collection, documentId, 1, p, parts, chunks.size(), MODEL, null, null,
					chunks.subList(p * per, Math.min(chunks.size(), (p + 1) * per))));
		}
	}

	private JsonNode search(Map<String, Object> request) {
		ResponseEntity<JsonNode> response = this.api.post("/v1/search", request);
		assertThat(response.getStatusCode().value()).as(String.valueOf(response.getBody())).isEqualTo(200);
		return response.getBody();
	}

	record Embedded(float[] vector, byte[] tokens) {
	}

	/** Document vectors and token vectors as ingest-service asks for them; {@code null}: no token vectors. */
	private static List<Embedded> embed(List<String> texts, TokenEncoding encoding) {
		Map<String, Object> request = new HashMap<>(Map.of("model", MODEL, "input", texts));
		if (encoding != null) {
			request.put("token_vectors", encoding.id());
		}
		List<Embedded> out = new ArrayList<>();
		for (JsonNode datum : call(request).path("data")) {
			float[] vector = new float[datum.path("embedding").size()];
			for (int d = 0; d < vector.length; d++) {
				vector[d] = datum.path("embedding").get(d).floatValue();
			}
			out.add(new Embedded(vector, (encoding != null)
					? Base64.getDecoder().decode(datum.path("token_vectors").asString()) : null));
		}
		return out;
	}

	private static float[][] queryTokens(String query) {
		JsonNode datum = call(Map.of("model", MODEL, "input", List.of(query), "input_type", "query", "token_vectors",
				"float32")).path("data").path(0);
		java.nio.FloatBuffer floats = java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(datum.path("token_vectors").asString()))
			.order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
		float[][] tokens = new float[floats.remaining() / 384][384];
		for (float[] token : tokens) {
			floats.get(token);
		}
		return tokens;
	}

	private static JsonNode call(Map<String, Object> request) {
		return RestClient.create(EmbeddingServiceProcess.url().toString()).post().uri("/v1/embeddings")
			.contentType(MediaType.APPLICATION_JSON).body(request).retrieve().body(JsonNode.class);
	}

}
