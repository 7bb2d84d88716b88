package dev.ragplatform.ingest;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.KafkaProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite's infrastructure outages, with ingest- and retrieval-service as processes: the Kafka broker (its
 * own process here, so it can die) is killed mid-ingest and started again after documents were posted while it was
 * gone; PostgreSQL drops every connection of the platform's database and refuses new ones for ten seconds, as a
 * restart does. After each, every document must be INDEXED exactly once.
 */
class InfrastructureOutageIT {

	static final Duration SETTLING = Duration.ofMinutes(5);

	static KafkaProcess kafka;

	static PostgresDatabase db;

	static final List<ServiceProcess> processes = new ArrayList<>();

	static IngestApi ingest;

	static IngestApi search;

	@BeforeAll
	static void start() {
		URI embedding = EmbeddingServiceProcess.url();
		kafka = KafkaProcess.start();
		db = RealInfrastructure.postgres(InfrastructureOutageIT.class);
		List<String> common = List.of("--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
				"--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
				// a send to a broker that is gone fails after 8 s instead of 2 min: the document waits in the outbox
				"--spring.kafka.producer.properties.delivery.timeout.ms=8000",
				"--spring.kafka.producer.properties.request.timeout.ms=5000",
				"--spring.kafka.producer.properties.max.block.ms=5000");
		ServiceProcess retrieval = ServiceProcess.start("retrieval-service", "512m",
				concat(common, "--rag.retrieval.embedding.url=" + embedding));
		processes.add(retrieval);
		ServiceProcess ingestService = ServiceProcess.start("ingest-service", "512m",
				concat(common, "--rag.ingest.embedding.url=" + embedding, "--rag.ingest.retrieval.url=" + retrieval.url(),
						"--rag.ingest.pipeline.requeue-after=5s", "--rag.ingest.pipeline.max-backoff=2s"));
		processes.add(ingestService);
		ingest = new IngestApi(ingestService.url());
		search = new IngestApi(retrieval.url());
	}

	@AfterAll
	static void stop() {
		processes.forEach(ServiceProcess::stop);
		if (kafka != null) {
			kafka.close();
		}
	}

	@Test
	void aBrokerKilledMidIngestAndDocumentsPostedWhileItIsGoneAllEndIndexedOnce() throws Exception {
		String collection = collection();
		Map<String, Integer> ids = post(collection, 0, 80);
		awaitIndexed(collection, 10);
		kafka.kill();
		// accepted while the broker is gone: stored, and queued once it is back
		List<CompletableFuture<ResponseEntity<JsonNode>>> during = new ArrayList<>();
		for (int i = 80; i < 84; i++) {
			int n = i;
			during.add(CompletableFuture.supplyAsync(() -> ingest.post(documents(collection), document(n))));
		}
		for (CompletableFuture<ResponseEntity<JsonNode>> accepted : during) {
			ResponseEntity<JsonNode> response = accepted.get();
			assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(202);
			ids.put(response.getBody().path("documentId").asString(), ids.size());
		}
		kafka.restart();
		assertAllIndexedOnce(collection, ids);
	}

	@Test
	void aPostgreSqlOutageMidIngestLosesAndDuplicatesNothing() throws Exception {
		String collection = collection();
		Map<String, Integer> ids = post(collection, 0, 200); // enough that the outage finds work in flight
		awaitIndexed(collection, 10);
		String database = db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
		String maintenance = db.jdbcUrl().replace("/" + database, "/postgres");
		try (Connection admin = DriverManager.getConnection(maintenance, db.username(), db.password());
				Statement sql = admin.createStatement()) {
			// what a restart does to its clients: every session ends, and new ones are refused for a while
			sql.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false");
			sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
			Thread.sleep(10_000);
			sql.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true");
		}
		assertAllIndexedOnce(collection, ids);
	}

	private static void assertAllIndexedOnce(String collection, Map<String, Integer> ids) {
		awaitIndexed(collection, ids.size());
		int chunks = 0;
		for (String id : ids.keySet()) {
			JsonNode document = ingest.get(documents(collection) + "/" + id).getBody();
			assertThat(document.path("status").asString()).as("%s", document).isEqualTo("INDEXED");
			assertThat(document.path("version").asLong()).isEqualTo(1);
			chunks += document.path("chunks").asInt();
		}
		JsonNode indexed = search.get("/v1/collections/" + collection).getBody();
		assertThat(indexed.path("documents").asInt()).as("none lost, none twice").isEqualTo(ids.size());
		assertThat(indexed.path("chunks").asInt()).as("no chunk twice").isEqualTo(chunks);
		for (ServiceProcess process : processes) {
			assertThat(process.isRunning()).as("%s stays up", process.log()).isTrue();
		}
	}

	private static String collection() {
		String name = "outage-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(search.post("/v1/collections", Map.of("name", name, "chunking",
				Map.of("targetTokens", 64, "overlapTokens", 8))).getStatusCode().value()).isEqualTo(201);
		return name;
	}

	private static Map<String, Integer> post(String collection, int from, int to) {
		Map<String, Integer> ids = new LinkedHashMap<>();
		for (int i = from; i < to; i++) {
			ResponseEntity<JsonNode> accepted = ingest.post(documents(collection), document(i));
			assertThat(accepted.getStatusCode().value()).as("%s", accepted).isEqualTo(202);
			ids.put(accepted.getBody().path("documentId").asString(), i);
		}
		return ids;
	}

	private static Map<String, Object> document(int i) {
		return Map.of("externalId", "doc-" + i, "text",
				Fixtures.article("Entry " + i, "The marker word is zq" + i + "x, found only here."));
	}

	private static void awaitIndexed(String collection, int atLeast) {
		await().atMost(SETTLING).pollInterval(Duration.ofMillis(250)).until(() -> {
			for (ServiceProcess process : processes) {
				if (!process.isRunning()) {
					throw new AssertionError(process.log() + " exited with " + process.exitCode());
				}
			}
			return ingest.get(documents(collection) + "?size=1").getBody().path("byStatus").path("INDEXED")
				.asInt() >= atLeast;
		});
	}

	private static String documents(String collection) {
		return "/v1/collections/" + collection + "/documents";
	}

	private static List<String> concat(List<String> first, String... more) {
		List<String> all = new ArrayList<>(first);
		all.addAll(List.of(more));
		return all;
	}

}
