package dev.ragplatform.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

/** The collections API against real PostgreSQL + pgvector, Kafka and embedding-service; every distance and storage. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
class CollectionApiIT {

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	RetrievalApi api;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.retrieval.embedding.url", () -> EmbeddingServiceProcess.url().toString());
	}

	@BeforeEach
	void api() {
		this.api = new RetrievalApi(this.port, this.kafka);
	}

	@Test
	void createAsksTheModelForItsDimensionsListsGetsAndDeletes(PostgresDatabase db) throws Exception {
		ResponseEntity<JsonNode> created = this.api.post("/v1/collections", Map.of("name", "papers"));
		assertThat(created.getStatusCode().value()).as("%s", created).isEqualTo(201);
		assertThat(created.getHeaders().getLocation()).hasToString("/v1/collections/papers");
		JsonNode body = created.getBody();
		assertThat(body.path("dimensions").asInt()).isEqualTo(384);
		assertThat(body.path("embeddingModel").asString()).isEqualTo("bge-small-en-v1.5");
		assertThat(body.path("distance").asString()).isEqualTo("cosine");
		assertThat(body.path("storage").asString()).isEqualTo("vector");
		assertThat(body.path("hnsw").path("m").asInt()).isEqualTo(16);
		assertThat(body.path("chunking").path("targetTokens").asInt()).isEqualTo(480);
		assertThat(body.path("chunking").path("overlapTokens").asInt()).isEqualTo(64);
		JsonNode small = this.api.post("/v1/collections", Map.of("name", "small-chunks", "dimensions", 4, "chunking",
				Map.of("targetTokens", 100))).getBody();
		assertThat(small.path("chunking").path("targetTokens").asInt()).isEqualTo(100);
		assertThat(small.path("chunking").path("overlapTokens").asInt()).as("default overlap, capped below half")
			.isEqualTo(49);

		JsonNode got = this.api.get("/v1/collections/papers").getBody();
		assertThat(got.path("documents").asLong()).isZero();
		assertThat(got.path("chunks").asLong()).isZero();
		assertThat(got.path("sizeBytes").asLong()).isPositive();
		assertThat(this.api.get("/v1/collections").getBody().path("collections").findValuesAsString("name"))
			.contains("papers");
		assertThat(this.api.post("/v1/collections", Map.of("name", "papers", "dimensions", 4)).getStatusCode().value())
			.isEqualTo(409);

		long id = partitionCount(db);
		assertThat(this.api.delete("/v1/collections/papers").getStatusCode().value()).isEqualTo(204);
		assertThat(partitionCount(db)).as("the partition is dropped").isEqualTo(id - 1);
		assertThat(this.api.get("/v1/collections/papers").getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.delete("/v1/collections/papers").getStatusCode().value()).isEqualTo(404);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "{\"name\": \"Upper\"}|names are", "{\"name\": \"\"}|names are",
			"{\"name\": \"a b\"}|names are", "{\"name\": \"x\", \"distance\": \"hamming\"}|distance must be",
			"{\"name\": \"x\", \"storage\": \"bit\"}|storage must be",
			"{\"name\": \"x\", \"language\": \"klingon\"}|text search configuration",
			"{\"name\": \"x\", \"dimensions\": 3000}|halfvec indexes up to 4000",
			"{\"name\": \"x\", \"dimensions\": 0}|dimensions must be",
			"{\"name\": \"x\", \"hnsw\": {\"m\": 1}}|hnsw.m",
			"{\"name\": \"x\", \"hnsw\": {\"m\": 16, \"efConstruction\": 8}}|hnsw.efConstruction",
			"{\"name\": \"x\", \"chunking\": {\"targetTokens\": 8}}|chunking.targetTokens",
			"{\"name\": \"x\", \"chunking\": {\"targetTokens\": 100, \"overlapTokens\": 50}}|chunking.overlapTokens",
			"{\"name\": \"x\", \"embeddingModel\": \"no-such-model\"}|embedding-service rejected",
			"{\"name\": \"x\", \"defaultTask\": \"no-such-task\"}|embedding-service rejected" })
	void invalidSettingsAreRejectedWithAProblem(String request, String detail) {
		ResponseEntity<JsonNode> response = this.api.post("/v1/collections", RetrievalApi.JSON.readTree(request));
		assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(400);
		assertThat(response.getBody().path("detail").asString()).contains(detail);
	}

	@ParameterizedTest
	@CsvSource({ "cosine,vector", "cosine,halfvec", "l2,vector", "l2,halfvec", "inner_product,vector",
			"inner_product,halfvec" })
	void everyDistanceAndStorageRanksLikeABruteForceScan(String distance, String storage) {
		String name = "d-" + distance.replace('_', '-') + "-" + storage;
		int dims = 8;
		ResponseEntity<JsonNode> created = this.api.post("/v1/collections",
				Map.of("name", name, "dimensions", dims, "distance", distance, "storage", storage));
		assertThat(created.getStatusCode().value()).as("%s", created).isEqualTo(201);
		Random random = new Random(distance.hashCode() + storage.hashCode());
		List<float[]> vectors = new ArrayList<>();
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			float[] v = new float[dims];
			for (int j = 0; j < dims; j++) {
				v[j] = (float) (random.nextGaussian() * (1 + i % 3)); // different norms: l2, ip and cosine disagree
			}
			vectors.add(v);
			texts.add("chunk " + i);
		}
		this.api.publish(RetrievalApi.document(name, "doc", 1, texts, vectors, null, "bge-small-en-v1.5"));
		this.api.awaitChunks(name, 200);
		float[] query = vectors.get(0).clone();
		query[0] += 0.5f;
		Comparator<Integer> order = switch (distance) {
			case "cosine" -> Comparator.comparingDouble((Integer i) -> -cosine(vectors.get(i), query));
			case "l2" -> Comparator.comparingDouble((Integer i) -> l2(vectors.get(i), query));
			default -> Comparator.comparingDouble((Integer i) -> -dot(vectors.get(i), query));
		};
		List<String> expected = IntStream.range(0, 200).boxed().sorted(order).limit(5).map((i) -> "chunk " + i).toList();
		for (boolean exact : new boolean[] { true, false }) {
			ResponseEntity<JsonNode> response = this.api.post("/v1/search/vector",
					Map.of("collection", name, "vector", query, "topK", 5, "exact", exact, "efSearch", 200));
			assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(200);
			List<String> found = response.getBody().path("results").findValuesAsString("text");
			if (storage.equals("vector")) {
				assertThat(found).as("exact=%s", exact).containsExactlyElementsOf(expected);
			}
			else { // float16 may swap near-ties
				assertThat(found.get(0)).isEqualTo(expected.get(0));
				assertThat(found).as("exact=%s", exact).hasSize(5).containsAnyElementsOf(expected.subList(1, 5));
			}
		}
	}

	private static long partitionCount(PostgresDatabase db) throws Exception {
		try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(
				"SELECT count(*) FROM pg_inherits WHERE inhparent = 'retrieval.chunks'::regclass")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static double dot(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) {
			s += (double) a[i] * b[i];
		}
		return s;
	}

	private static double cosine(float[] a, float[] b) {
		return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
	}

	private static double l2(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) {
			s += (a[i] - b[i]) * (double) (a[i] - b[i]);
		}
		return s;
	}

}
