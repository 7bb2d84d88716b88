package dev.ragplatform.retrieval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task adapters against real PostgreSQL + pgvector, Kafka and embedding-service: a job trains on labels that
 * contradict the embedding's own notion of similarity (every query names the topic of the <em>next</em> document),
 * beats the unadapted baseline on its held-out queries, is activated, changes what search returns, is named in
 * every search response, and is served by a second service instance that loads it from the database.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdapterIT {

	static final String MODEL = "bge-small-en-v1.5";

	static final List<String> TOPICS = List.of("photosynthesis in plants", "volcanic eruptions",
			"the French Revolution", "espresso coffee brewing", "container orchestration with Kubernetes",
			"black holes and gravity", "honey bees and pollination", "the stock market crash of 1929",
			"marathon running training", "medieval castles", "jazz improvisation", "glaciers and ice ages");

	static final List<String> TEMPLATES = List.of("Tell me about %s.", "What is known about %s?",
			"An introduction to %s", "Explain %s to a beginner.", "Key facts on %s");

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	Environment environment;

	@Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	RetrievalApi api;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.retrieval.embedding.url", () -> EmbeddingServiceProcess.url().toString());
		registry.add("rag.retrieval.adapters.active-refresh", () -> "0s");
		// a short stale-after: every job here must keep beating to finish, and an orphan is failed within seconds
		registry.add("rag.retrieval.adapters.heartbeat", () -> "300ms");
		registry.add("rag.retrieval.adapters.stale-after", () -> "2s");
	}

	@BeforeAll
	void corpus() {
		this.api = new RetrievalApi(this.port, this.kafka);
		this.api.createCollection("adapt", 384);
		for (int i = 0; i < TOPICS.size(); i++) {
			String text = "An article about " + TOPICS.get(i) + ".";
			float[] vector = RetrievalApi.embedDocument(MODEL, null, text);
			this.api.publish(RetrievalApi.document("adapt", "doc" + i, 1, List.of(text), List.of(vector),
					List.of(Map.of("topic", "t" + i)), MODEL));
		}
		this.api.awaitChunks("adapt", TOPICS.size());
	}

	/** Every query asks about topic i + 1 and is labelled with document i: the embedding alone gets this wrong. */
	static List<Map<String, Object>> shiftedPairs() {
		List<Map<String, Object>> pairs = new ArrayList<>();
		for (String template : TEMPLATES) {
			for (int i = 0; i < TOPICS.size(); i++) {
				pairs.add(Map.of("query", template.formatted(TOPICS.get((i + 1) % TOPICS.size())), "targets",
						List.of("doc" + i)));
			}
		}
		return pairs;
	}

	@Test
	void trainsPersistsActivatesAndServesAnAdapterThatBeatsTheBaseline() {
		ResponseEntity<JsonNode> started = this.api.post("/v1/collections/adapt/adapters",
				Map.of("name", "shifted", "labels", Map.of("targetField", "documentId", "pairs", shiftedPairs()),
						"rank", 16, "epochs", 60, "learningRate", 0.01, "validationFraction", 0.2, "activate", true));
		assertThat(started.getStatusCode().value()).as("%s", started.getBody()).isEqualTo(202);
		String id = started.getBody().path("id").asString();
		assertThat(started.getHeaders().getLocation()).hasToString("/v1/collections/adapt/adapters/" + id);

		JsonNode done = awaitEnd(id);
		assertThat(done.path("status").asString()).as("%s", done).isEqualTo("ready");
		JsonNode metrics = done.path("metrics");
		assertThat(metrics.path("trainingQueries").asInt()).isEqualTo(48);
		assertThat(metrics.path("validationQueries").asInt()).isEqualTo(12);
		double baseline = metrics.path("baseline").path("nDCG@10").asDouble();
		double adapted = metrics.path("validation").path("nDCG@10").asDouble();
		assertThat(baseline).isLessThan(0.5);
		assertThat(adapted).isGreaterThan(baseline + 0.3);
		assertThat(metrics.path("beatsBaseline").asBoolean()).isTrue();
		assertThat(done.path("active").asBoolean()).isTrue();
		assertThat(done.path("dataDigest").asString()).startsWith("sha256:");
		assertThat(done.path("rank").asInt()).isEqualTo(16);

		JsonNode list = this.api.get("/v1/collections/adapt/adapters").getBody();
		assertThat(list.path("active").asString()).isEqualTo(id);

		// the search applies it and says so; adapter "none" gives the embedding's own ranking
		String query = "Tell me about " + TOPICS.get(4) + ".";
		JsonNode adaptedSearch = search(this.port, query, null);
		assertThat(adaptedSearch.path("adapter").asString()).isEqualTo(id);
		JsonNode plain = search(this.port, query, "none");
		assertThat(plain.path("adapter").asString()).isEqualTo("none");
		assertThat(plain.path("results").path(0).path("documentId").asString()).isEqualTo("doc4");
		assertThat(adaptedSearch.path("results").path(0).path("documentId").asString()).isEqualTo("doc3");
		JsonNode lexical = this.api.post("/v1/search", Map.of("collection", "adapt", "query", query, "mode", "lexical"))
			.getBody();
		assertThat(lexical.path("adapter").asString()).isEqualTo("none");

		// a second instance of the service loads the weights from the database
		try (ConfigurableApplicationContext second = secondInstance()) {
			int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
			JsonNode there = search(port, query, null);
			assertThat(there.path("adapter").asString()).isEqualTo(id);
			assertThat(there.path("results").path(0).path("documentId").asString()).isEqualTo("doc3");
			assertThat(search(port, query, id).path("results").path(0).path("documentId").asString())
				.isEqualTo("doc3");
		}

		// deactivated: searches go back to the embedding's ranking
		assertThat(this.api.post("/v1/collections/adapt/adapters/" + id + ":deactivate", Map.of()).getStatusCode()
			.value()).isEqualTo(200);
		assertThat(search(this.port, query, null).path("adapter").asString()).isEqualTo("none");
		assertThat(this.api.post("/v1/collections/adapt/adapters/" + id + ":activate", Map.of()).getStatusCode()
			.value()).isEqualTo(200);
		assertThat(search(this.port, query, null).path("adapter").asString()).isEqualTo(id);
	}

	@Test
	void anAdapterThatDoesNotBeatTheBaselineIsNeverActivated() {
		// labels the embedding already gets right (uploaded as a BIKER-style CSV): nothing to gain
		StringBuilder csv = new StringBuilder(",title,answer\n");
		int row = 0;
		for (String template : TEMPLATES) {
			for (int i = 0; i < TOPICS.size(); i++) {
				csv.append(row++).append(",\"").append(template.formatted(TOPICS.get(i))).append("\",\"['t").append(i)
					.append("']\"\n");
			}
		}
		ResponseEntity<JsonNode> started = RestClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/v1/collections/adapt/adapters?targetField=metadata.topic&epochs=2&activate=true")
			.contentType(MediaType.parseMediaType("text/csv"))
			.body(csv.toString())
			.retrieve()
			.toEntity(JsonNode.class);
		assertThat(started.getStatusCode().value()).as("%s", started.getBody()).isEqualTo(202);
		String id = started.getBody().path("id").asString();
		JsonNode done = awaitEnd(id);
		assertThat(done.path("status").asString()).as("%s", done).isEqualTo("ready");
		assertThat(done.path("settings").path("pairs").asInt()).isEqualTo(60);
		assertThat(done.path("metrics").path("baseline").path("nDCG@10").asDouble()).isGreaterThan(0.95);
		assertThat(done.path("metrics").path("beatsBaseline").asBoolean()).isFalse();
		assertThat(done.path("active").asBoolean()).isFalse();
		ResponseEntity<JsonNode> refused = this.api.post("/v1/collections/adapt/adapters/" + id + ":activate", Map.of());
		assertThat(refused.getStatusCode().value()).isEqualTo(409);
		assertThat(refused.getBody().path("detail").asString()).contains("does not beat the unadapted baseline");
	}

	@Test
	void distillsHybridSearchIntoAnAdapterAndCanBeCancelled() {
		List<String> queries = new ArrayList<>();
		for (String template : TEMPLATES) {
			for (String topic : TOPICS) {
				queries.add(template.formatted(topic));
			}
		}
		ResponseEntity<JsonNode> started = this.api.post("/v1/collections/adapt/adapters", Map.of("name", "distilled",
				"distillation", Map.of("teacher", "hybrid", "queries", queries, "depth", 5), "epochs", 3));
		assertThat(started.getStatusCode().value()).as("%s", started.getBody()).isEqualTo(202);
		JsonNode done = awaitEnd(started.getBody().path("id").asString());
		assertThat(done.path("status").asString()).as("%s", done).isEqualTo("ready");
		assertThat(done.path("supervision").asString()).isEqualTo("distillation");
		assertThat(done.path("settings").path("teacher").asString()).isEqualTo("hybrid");
		assertThat(done.path("metrics").path("queries").asInt()).isEqualTo(60);
		assertThat(done.path("metrics").path("queriesWithoutTeacherRanking").asInt()).isZero();
		assertThat(done.path("metrics").path("trainingQueries").asInt()
				+ done.path("metrics").path("validationQueries").asInt()).isEqualTo(60);
		assertThat(done.path("metrics").path("baseline").path("nDCG@10").isNumber()).isTrue();
		assertThat(done.path("metrics").path("epochs").size()).isBetween(1, 3);

		// the other objective: the teacher's first document is each query's positive
		ResponseEntity<JsonNode> pseudo = this.api.post("/v1/collections/adapt/adapters", Map.of("name", "pseudo",
				"distillation", Map.of("queries", queries, "depth", 5, "objective", "pseudo-labels"), "epochs", 3));
		assertThat(pseudo.getStatusCode().value()).as("%s", pseudo.getBody()).isEqualTo(202);
		JsonNode pseudoDone = awaitEnd(pseudo.getBody().path("id").asString());
		assertThat(pseudoDone.path("status").asString()).as("%s", pseudoDone).isEqualTo("ready");
		assertThat(pseudoDone.path("settings").path("objective").asString()).isEqualTo("pseudo-labels");
		assertThat(pseudoDone.path("settings").path("positives").asInt()).isEqualTo(1);
		// only the pseudo-label path builds positives: one document of one chunk each here
		assertThat(pseudoDone.path("metrics").path("positiveChunksPerQuery").asDouble()).isEqualTo(1.0);
		assertThat(done.path("metrics").has("positiveChunksPerQuery")).isFalse();
		assertThat(pseudoDone.path("metrics").path("trainingQueries").asInt()
				+ pseudoDone.path("metrics").path("validationQueries").asInt()).isEqualTo(60);

		// many queries keep the job in its teacher phase long enough to cancel it there
		List<String> many = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			many.add(queries.get(i % queries.size()) + " (" + i + ")");
		}
		String id = this.api.post("/v1/collections/adapt/adapters",
				Map.of("distillation", Map.of("queries", many))).getBody().path("id").asString();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
			.until(() -> this.api.get("/v1/collections/adapt/adapters/" + id).getBody().path("progress").path("phase")
				.asString(), "teacher"::equals);
		ResponseEntity<JsonNode> cancelled = this.api.post("/v1/collections/adapt/adapters/" + id + ":cancel", Map.of());
		assertThat(cancelled.getStatusCode().value()).as("%s", cancelled.getBody()).isEqualTo(200);
		assertThat(awaitEnd(id).path("status").asString()).isEqualTo("cancelled");
		assertThat(this.api.post("/v1/collections/adapt/adapters/" + id + ":cancel", Map.of()).getStatusCode().value())
			.isEqualTo(409);
		assertThat(this.api.post("/v1/collections/adapt/adapters/" + id + ":activate", Map.of()).getStatusCode()
			.value()).isEqualTo(409);
	}

	@Test
	void aJobEndedThroughAnotherInstanceStopsHere() {
		// 20,000 distinct queries: the teacher phase alone takes minutes (a hybrid search each)
		List<String> many = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			many.add("question " + i + " about " + TOPICS.get(i % TOPICS.size()));
		}
		String id = this.api.post("/v1/collections/adapt/adapters",
				Map.of("name", "elsewhere", "distillation", Map.of("queries", many))).getBody().path("id").asString();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
			.until(() -> this.api.get("/v1/collections/adapt/adapters/" + id).getBody().path("progress").path("phase")
				.asString(), "teacher"::equals);

		// what a cancel through another replica does: that instance holds no flag for the job, only its row
		assertThat(this.jdbc.update("UPDATE retrieval.adapters SET status = 'cancelled', finished_at = now() "
				+ "WHERE id = ?::uuid AND status = 'training'", id)).isEqualTo(1);

		// this instance runs one job at a time: the next one can start only once the first has stopped here
		ResponseEntity<JsonNode> next = this.api.post("/v1/collections/adapt/adapters",
				Map.of("name", "after-elsewhere", "labels", Map.of("targetField", "documentId", "pairs", shiftedPairs()),
						"epochs", 1, "activate", false));
		assertThat(next.getStatusCode().value()).as("%s", next.getBody()).isEqualTo(202);
		JsonNode nextDone = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
			.until(() -> this.api.get("/v1/collections/adapt/adapters/" + next.getBody().path("id").asString())
				.getBody(), (body) -> !List.of("queued", "training").contains(body.path("status").asString()));
		assertThat(nextDone.path("status").asString()).as("%s", nextDone).isEqualTo("ready");
		JsonNode first = this.api.get("/v1/collections/adapt/adapters/" + id).getBody();
		assertThat(first.path("status").asString()).as("%s", first).isEqualTo("cancelled");
		assertThat(first.path("progress").path("phase").asString()).as("%s", first).isEqualTo("teacher");
	}

	@Test
	void aJobWhoseInstanceStoppedIsFailedAsInterrupted() {
		// what a crashed instance leaves behind: a job in training whose heartbeat stopped a minute ago
		java.util.UUID id = java.util.UUID.randomUUID();
		this.jdbc.update("INSERT INTO retrieval.adapters (id, collection_id, version, name, status, supervision, task, "
				+ "embedding_model, dimensions, rank, data_digest, settings, heartbeat_at) SELECT ?, c.id, "
				+ "(SELECT coalesce(max(version), 0) + 1 FROM retrieval.adapters a WHERE a.collection_id = c.id), "
				+ "'orphan', 'training', 'labels', '', ?, 384, 32, 'x', '{}'::jsonb, now() - interval '1 minute' "
				+ "FROM retrieval.collections c WHERE c.name = 'adapt'", id, MODEL);

		JsonNode failed = awaitEnd(id.toString());
		assertThat(failed.path("status").asString()).isEqualTo("failed");
		assertThat(failed.path("error").asString()).startsWith("interrupted: the instance that ran this job stopped")
			.endsWith("start it again");
	}

	@Test
	void badRequestsAreProblems() {
		assertThat(this.api.post("/v1/collections/adapt/adapters", Map.of("labels", Map.of("targetField", "title",
				"pairs", List.of(Map.of("query", "q", "targets", List.of("doc1")))))).getStatusCode().value())
			.isEqualTo(400);
		assertThat(this.api.post("/v1/collections/adapt/adapters", Map.of()).getBody().path("detail").asString())
			.contains("exactly one of labels");
		assertThat(this.api.post("/v1/collections/adapt/adapters",
				Map.of("labels", Map.of("pairs", List.of(Map.of("query", "q", "targets", List.of("doc1")))), "rank", 0))
			.getStatusCode()
			.value()).isEqualTo(400);
		assertThat(this.api.post("/v1/collections/adapt/adapters",
				Map.of("distillation", Map.of("queries", List.of("a", "b"), "objective", "guess")))
			.getBody()
			.path("detail")
			.asString()).contains("distillation.objective must be listwise");
		assertThat(this.api.post("/v1/collections/nope/adapters", Map.of()).getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.get("/v1/collections/adapt/adapters/not-a-uuid").getStatusCode().value()).isEqualTo(400);
		assertThat(this.api.get("/v1/collections/adapt/adapters/00000000-0000-0000-0000-000000000000").getStatusCode()
			.value()).isEqualTo(404);
		ResponseEntity<JsonNode> unknownAdapter = this.api.post("/v1/search", Map.of("collection", "adapt", "query",
				"jazz", "adapter", "00000000-0000-0000-0000-000000000000"));
		assertThat(unknownAdapter.getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.post("/v1/search", Map.of("collection", "adapt", "query", "jazz", "adapter", "x"))
			.getStatusCode()
			.value()).isEqualTo(400);
		// labels that name no document of the collection: the job fails and says why
		ResponseEntity<JsonNode> started = this.api.post("/v1/collections/adapt/adapters", Map.of("labels",
				Map.of("pairs", List.of(Map.of("query", "q1", "targets", List.of("missing")),
						Map.of("query", "q2", "targets", List.of("missing"))))));
		JsonNode failed = awaitEnd(started.getBody().path("id").asString());
		assertThat(failed.path("status").asString()).isEqualTo("failed");
		assertThat(failed.path("error").asString()).contains("name a document of the collection");
	}

	private JsonNode awaitEnd(String id) {
		return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
			return this.api.get("/v1/collections/adapt/adapters/" + id).getBody();
		}, (body) -> !List.of("queued", "training").contains(body.path("status").asString()));
	}

	private JsonNode search(int port, String query, String adapter) {
		Map<String, Object> body = new java.util.HashMap<>(Map.of("collection", "adapt", "query", query, "mode", "dense",
				"topK", 3));
		if (adapter != null) {
			body.put("adapter", adapter);
		}
		ResponseEntity<JsonNode> response = RestClient.create("http://127.0.0.1:" + port)
			.post()
			.uri("/v1/search")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(JsonNode.class);
		return response.getBody();
	}

	private ConfigurableApplicationContext secondInstance() {
		return new SpringApplicationBuilder(RetrievalServiceApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + this.environment.getProperty("spring.datasource.url"),
				"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
				"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password", ""),
				"--spring.kafka.bootstrap-servers=" + this.environment.getProperty("spring.kafka.bootstrap-servers"),
				"--spring.kafka.listener.auto-startup=false",
				"--rag.retrieval.embedding.url=" + EmbeddingServiceProcess.url());
	}

}
