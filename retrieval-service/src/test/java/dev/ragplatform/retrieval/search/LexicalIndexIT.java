package dev.ragplatform.retrieval.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.ragplatform.contracts.chunk.DocumentDeleted;
import dev.ragplatform.retrieval.RetrievalApi;
import dev.ragplatform.retrieval.RetrievalServiceApplication;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
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
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lexical index against the BM25 computed in SQL (the oracle), and two replicas against each other, on a Zipf
 * corpus streamed through the chunk topic with new versions and deletions. This replica (the test's context) polls
 * only hourly, so what it finds it found by reading its own writes; the second replica follows every 100 ms from a
 * persistent directory and is restarted in the middle of the stream.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.retrieval.lexical.poll-interval=1h")
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LexicalIndexIT {

	static final int DIMENSIONS = 4;

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	Environment environment;

	@Autowired
	LexicalSearch lexical;

	@Autowired
	LexicalIndex index;

	@Autowired
	CollectionService collections;

	RetrievalApi api;

	// terms from stop-word common to rare
	final LexicalBenchmark.Zipf zipf = new LexicalBenchmark.Zipf(2_000, 1.05, new Random(7));

	@BeforeAll
	void api() {
		this.api = new RetrievalApi(this.port, this.kafka);
	}

	@Test
	void twoReplicasOneRestartedMidStreamRankLikeTheSqlBm25AndLikeEachOther() throws IOException {
		this.api.createCollection("zipf", DIMENSIONS);
		this.index.round();
		Path directory = Files.createTempDirectory("lexical-replica-");
		ConfigurableApplicationContext second = replica(directory);
		try {
			Map<String, Integer> live = new HashMap<>();
			publish(0, 400, 1, live);
			this.api.awaitChunks("zipf", chunks(live));
			awaitCaughtUp(second, chunks(live));
			second.close(); // restarted mid-stream: new chunks, new versions and deletions arrive while it is down
			publish(400, 800, 1, live);
			publish(0, 60, 2, live);
			for (int d = 60; d < 100; d++) {
				this.api.publish(new DocumentDeleted("zipf", "d" + d, 1));
				live.remove("d" + d);
			}
			this.api.awaitChunks("zipf", chunks(live));
			second = replica(directory);
			awaitCaughtUp(second, chunks(live));
			int port = port(second);

			Random random = new Random(11);
			Collection collection = this.collections.get("zipf");
			int compared = 0;
			for (int q = 0; q < 60; q++) {
				// short queries of common and rare words, and long ones of 49 words like a citation context
				String query = (q % 3 == 2) ? this.zipf.text(49, random) : this.zipf.text(1 + random.nextInt(6), random);
				JsonNode here = search(this.port, query);
				JsonNode there = search(port, query);
				assertThat(keysAndScores(there)).as("the second replica ranks '%s' alike", query)
					.isEqualTo(keysAndScores(here));
				List<Candidate> oracle = this.lexical.searchInSql(collection, this.lexical.lexemes(collection, query),
						null, 100);
				assertSameUpToTies(query, keysAndScores(here), oracle);
				compared += oracle.size();
			}
			assertThat(compared).as("the queries matched chunks").isGreaterThan(3_000);
		}
		finally {
			second.close();
		}
	}

	@Test
	void aDocumentReportedIndexedIsFoundLexicallyAtOnce() {
		this.api.createCollection("fresh", DIMENSIONS);
		this.index.round();
		assertThat(this.api.get("/v1/collections/fresh/lexical-index").getBody().path("state").asString())
			.isEqualTo("ready");
		this.api.publish(RetrievalApi.document("fresh", "late", 1, List.of("an xylophone of quartz and zinc"),
				List.of(new float[DIMENSIONS]), null, null));
		this.api.awaitChunks("fresh", 1);
		Map<String, Object> stale = Map.of("collection", "fresh", "query", "xylophone", "mode", "lexical", "fresh",
				false);
		assertThat(this.api.post("/v1/search", stale).getBody().path("results").size())
			.as("the index has not polled since (hourly): without fresh the search does not see the write")
			.isZero();
		JsonNode found = this.api.post("/v1/search", Map.of("collection", "fresh", "query", "xylophone", "mode",
				"lexical")).getBody();
		assertThat(found.path("results").path(0).path("documentId").asString()).isEqualTo("late");
		JsonNode status = this.api.get("/v1/collections/fresh/lexical-index").getBody();
		assertThat(status.path("chunks").asLong()).isEqualTo(1);
		assertThat(status.path("lagSeconds").asDouble()).isLessThan(60);
	}

	@Test
	void aFilteredSearchRanksOnlyWhatTheFilterLetsThroughWithTheCollectionsStatistics() {
		this.api.createCollection("filtered", DIMENSIONS);
		this.index.round();
		List<String> texts = List.of("amber amber resin", "amber fossil insects", "resin of pine trees",
				"amber jewellery and resin", "granite and basalt");
		for (int i = 0; i < texts.size(); i++) {
			this.api.publish(RetrievalApi.document("filtered", "f" + i, 1, List.of(texts.get(i)),
					List.of(new float[DIMENSIONS]), List.of(Map.of("kind", (i % 2 == 0) ? "even" : "odd")), null));
		}
		this.api.awaitChunks("filtered", texts.size());
		Map<String, Object> filter = Map.of("kind", "even");
		JsonNode response = this.api.post("/v1/search", Map.of("collection", "filtered", "query", "amber resin",
				"mode", "lexical", "filter", filter)).getBody();
		Collection collection = this.collections.get("filtered");
		List<Candidate> oracle = this.lexical.searchInSql(collection, this.lexical.lexemes(collection, "amber resin"),
				MetadataFilter.compile(RetrievalApi.JSON.valueToTree(filter)), 100);
		assertThat(keysAndScores(response)).hasSize(oracle.size());
		assertSameUpToTies("amber resin", keysAndScores(response), oracle);
		assertThat(keysAndScores(response)).extracting(KeyScore::key).containsExactly("f0#0", "f2#0");
	}

	@Test
	void aQueryWithMoreDistinctTermsThanTheCapIsA400() {
		this.api.createCollection("capped", DIMENSIONS);
		StringBuilder query = new StringBuilder();
		for (int i = 0; i < 1_100; i++) {
			query.append("w").append(i).append(' ');
		}
		ResponseEntity<JsonNode> response = this.api.post("/v1/search",
				Map.of("collection", "capped", "query", query.toString(), "mode", "lexical"));
		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertThat(response.getBody().path("detail").asString()).contains("1100 distinct terms")
			.contains("rag.retrieval.search.max-query-terms");
	}

	private void publish(int from, int to, long version, Map<String, Integer> live) {
		Random random = new Random(31L * from + version);
		for (int d = from; d < to; d++) {
			int count = 1 + random.nextInt(3);
			List<String> texts = new ArrayList<>();
			List<float[]> vectors = new ArrayList<>();
			for (int c = 0; c < count; c++) {
				// lengths from a few words to a few hundred, as chunks of real documents vary
				texts.add(this.zipf.text(3 + (int) Math.round(Math.exp(random.nextGaussian() * 0.9 + 3.8)), random));
				vectors.add(new float[] { random.nextFloat(), random.nextFloat(), random.nextFloat(), 1 });
			}
			this.api.publish(RetrievalApi.document("zipf", "d" + d, version, texts, vectors, null, null));
			live.put("d" + d, count);
		}
	}

	private static long chunks(Map<String, Integer> live) {
		return live.values().stream().mapToLong(Integer::longValue).sum();
	}

	private ConfigurableApplicationContext replica(Path directory) {
		return new SpringApplicationBuilder(RetrievalServiceApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + this.environment.getProperty("spring.datasource.url"),
				"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
				"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password", ""),
				"--spring.kafka.bootstrap-servers=" + this.environment.getProperty("spring.kafka.bootstrap-servers"),
				"--spring.kafka.listener.auto-startup=false", "--rag.retrieval.embedding.url=" + EmbeddingServiceProcess.url(),
				"--rag.retrieval.lexical.directory=" + directory, "--rag.retrieval.lexical.poll-interval=100ms",
				"--rag.retrieval.lexical.commit-interval=0s");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static void awaitCaughtUp(ConfigurableApplicationContext replica, long chunks) {
		RetrievalApi api = new RetrievalApi(port(replica), null);
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			JsonNode status = api.get("/v1/collections/zipf/lexical-index").getBody();
			assertThat(status.path("state").asString()).isEqualTo("ready");
			assertThat(status.path("chunks").asLong()).isEqualTo(chunks);
		});
	}

	private static JsonNode search(int port, String query) {
		// fresh: false on the second replica would also do once it has caught up; the default reads its own writes
		ResponseEntity<JsonNode> response = new RetrievalApi(port, null).post("/v1/search",
				Map.of("collection", "zipf", "query", query, "mode", "lexical", "topK", 100));
		assertThat(response.getStatusCode().value()).as("%s", response.getBody()).isEqualTo(200);
		return response.getBody();
	}

	record KeyScore(String key, double score) {
	}

	private static List<KeyScore> keysAndScores(JsonNode response) {
		List<KeyScore> hits = new ArrayList<>();
		response.path("results")
			.forEach((r) -> hits.add(new KeyScore(r.path("documentId").asString() + "#" + r.path("chunkIndex").asInt(),
					r.path("score").asDouble())));
		return hits;
	}

	/**
	 * The same scores rank by rank (to 1e-9 relative: both sum doubles, in different orders), and the same chunks
	 * except where the scores tie.
	 */
	private static void assertSameUpToTies(String query, List<KeyScore> index, List<Candidate> oracle) {
		assertThat(index).as("'%s': as many hits as the SQL", query).hasSize(oracle.size());
		for (int i = 0; i < oracle.size(); i++) {
			double expected = oracle.get(i).score();
			assertThat(index.get(i).score()).as("'%s' rank %d", query, i + 1)
				.isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
		}
		double last = oracle.isEmpty() ? 0 : oracle.get(oracle.size() - 1).score();
		List<String> expected = new ArrayList<>();
		List<String> actual = new ArrayList<>();
		for (int i = 0; i < oracle.size(); i++) {
			// the chunks tied with the last one may differ: another chunk of the same score could have been cut
			if (oracle.get(i).score() - last > 1e-9 * Math.max(1, last)) {
				expected.add(oracle.get(i).key());
				actual.add(index.get(i).key());
			}
		}
		assertThat(actual).as("'%s': the same chunks above the last score", query)
			.containsExactlyInAnyOrderElementsOf(expected);
	}

}
