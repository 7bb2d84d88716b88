package dev.ragplatform.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
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
 * The fault suite's process kills: two replicas each of ingest- and retrieval-service share the topics and the
 * database, as in Kubernetes. While 160 documents go through, one ingest replica is killed with SIGKILL (mid-batch:
 * after its commits, before its offset commits and sends), then one retrieval replica; both come back. Every document
 * must end INDEXED exactly once: none lost, none with chunks twice, every one findable by its own words.
 */
class CrashRecoveryIT {

	static final int DOCUMENTS = 160;

	static final Duration SETTLING = Duration.ofMinutes(5);

	static final List<ServiceProcess> processes = new ArrayList<>();

	static ServiceProcess ingestA;

	static ServiceProcess ingestB;

	static ServiceProcess retrievalA;

	static ServiceProcess retrievalB;

	@BeforeAll
	static void start() {
		URI embedding = EmbeddingServiceProcess.url();
		PostgresDatabase db = RealInfrastructure.postgres(CrashRecoveryIT.class);
		String kafka = RealInfrastructure.kafka().bootstrapServers();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		List<String> common = List.of("--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
				"--spring.kafka.bootstrap-servers=" + kafka,
				// a killed member leaves its group after the broker's minimum session timeout
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.heartbeat-interval=2s");
		List<String> retrievalArgs = concat(common, "--spring.kafka.consumer.group-id=retrieval-" + suffix,
				"--rag.retrieval.embedding.url=" + embedding);
		retrievalA = started(ServiceProcess.start("retrieval-service", "512m", retrievalArgs));
		retrievalB = started(ServiceProcess.start("retrieval-service", "512m", retrievalArgs));
		List<String> ingestArgs = concat(common, "--spring.kafka.consumer.group-id=ingest-" + suffix,
				"--rag.ingest.embedding.url=" + embedding, "--rag.ingest.retrieval.url=" + retrievalB.url(),
				"--rag.ingest.pipeline.requeue-after=5s");
		ingestA = started(ServiceProcess.start("ingest-service", "512m", ingestArgs));
		ingestB = started(ServiceProcess.start("ingest-service", "512m", ingestArgs));
	}

	private static ServiceProcess started(ServiceProcess process) {
		processes.add(process);
		return process;
	}

	@AfterAll
	static void stop() {
		processes.forEach(ServiceProcess::stop);
	}

	@Test
	void killingAReplicaOfEachMidIngestLosesAndDuplicatesNothing() {
		IngestApi a = new IngestApi(ingestA.url());
		IngestApi b = new IngestApi(ingestB.url());
		IngestApi search = new IngestApi(retrievalB.url());
		String collection = "crash-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(search.post("/v1/collections", Map.of("name", collection, "chunking",
				Map.of("targetTokens", 64, "overlapTokens", 8))).getStatusCode().value()).isEqualTo(201);
		String documents = "/v1/collections/" + collection + "/documents";
		Map<String, Integer> ids = new LinkedHashMap<>();
		for (int i = 0; i < DOCUMENTS; i++) {
			// half through each replica; each document has a word no other has
			ResponseEntity<JsonNode> accepted = ((i % 2 == 0) ? a : b).post(documents, Map.of("externalId", "doc-" + i,
					"text", Fixtures.article("Entry " + i, "The marker word is zq" + i + "x, found only here.")));
			assertThat(accepted.getStatusCode().value()).as("%s", accepted).isEqualTo(202);
			ids.put(accepted.getBody().path("documentId").asString(), i);
		}
		int atFirstKill = awaitIndexed(b, documents, DOCUMENTS / 5).path("byStatus").path("INDEXED").asInt();
		ingestA.kill();
		int atSecondKill = awaitIndexed(b, documents, DOCUMENTS / 2).path("byStatus").path("INDEXED").asInt();
		retrievalA.kill();
		System.out.printf("faults: kill -9 of an ingest replica at %d/%d indexed, of a retrieval replica at %d/%d%n",
				atFirstKill, DOCUMENTS, atSecondKill, DOCUMENTS);
		ingestA.start();
		retrievalA.start();

		JsonNode page = awaitIndexed(b, documents, DOCUMENTS);
		assertThat(page.path("byStatus").path("FAILED").asInt()).isZero();
		int chunks = 0;
		for (String id : ids.keySet()) {
			JsonNode document = b.get(documents + "/" + id).getBody();
			assertThat(document.path("status").asString()).isEqualTo("INDEXED");
			assertThat(document.path("version").asLong()).as("no version was made twice").isEqualTo(1);
			chunks += document.path("chunks").asInt();
		}
		JsonNode indexed = search.get("/v1/collections/" + collection).getBody();
		assertThat(indexed.path("documents").asInt()).as("none lost, none twice").isEqualTo(DOCUMENTS);
		assertThat(indexed.path("chunks").asInt()).as("no chunk twice").isEqualTo(chunks);
		for (Map.Entry<String, Integer> document : ids.entrySet()) {
			if (document.getValue() % 20 == 7) {
				JsonNode found = search.post("/v1/search", Map.of("collection", collection, "query",
						"zq" + document.getValue() + "x", "mode", "lexical", "topK", 3)).getBody();
				assertThat(IngestApi.documentIds(found)).as("found by its own word").containsExactly(document.getKey());
			}
		}
	}

	private static JsonNode awaitIndexed(IngestApi api, String documents, int atLeast) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(SETTLING).pollInterval(Duration.ofMillis(200)).until(() -> {
			for (ServiceProcess process : processes) {
				if (process.exitCode() != null && process.exitCode() != 137 && process.exitCode() != 143) {
					throw new AssertionError(process.log() + " exited with " + process.exitCode());
				}
			}
			last[0] = api.get(documents + "?size=1").getBody();
			return last[0].path("byStatus").path("INDEXED").asInt() >= atLeast;
		});
		return last[0];
	}

	private static List<String> concat(List<String> first, String... more) {
		List<String> all = new ArrayList<>(first);
		all.addAll(List.of(more));
		return all;
	}

}
