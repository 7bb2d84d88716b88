package dev.ragplatform.ingest;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ingest-service as it runs: its own JVM with the heap {@code ./rag up} gives it (512 MB, less than Helm's 75 % of
 * 768 Mi) and the container image's {@code -XX:+ExitOnOutOfMemoryError}, beside real embedding- and
 * retrieval-service processes. The largest document allowed of each kind must leave it running, and a record under
 * which it dies must not make it die forever.
 */
class LargeDocumentsIT {

	/** rag.ingest.limits.max-document-size, left at its default. */
	static final int MAX_DOCUMENT_SIZE = 32 * 1024 * 1024;

	static final Duration SETTLING = Duration.ofMinutes(5);

	static PostgresDatabase db;

	static ServiceProcess retrieval;

	static ServiceProcess ingest;

	static List<String> ingestArgs;

	/** What the container image adds to the JVM's flags. */
	static final List<String> IMAGE_FLAGS = List.of("-XX:+ExitOnOutOfMemoryError");

	IngestApi api;

	IngestApi search;

	String collection;

	@BeforeAll
	static void start() {
		URI embedding = EmbeddingServiceProcess.url();
		db = RealInfrastructure.postgres(LargeDocumentsIT.class);
		String kafka = RealInfrastructure.kafka().bootstrapServers();
		List<String> database = List.of("--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password());
		retrieval = ServiceProcess.start("retrieval-service", "512m",
				concat(database, "--spring.kafka.bootstrap-servers=" + kafka,
						"--spring.kafka.consumer.group-id=retrieval-" + UUID.randomUUID(),
						"--rag.retrieval.embedding.url=" + embedding));
		// a killed member leaves the group after the session timeout: the broker's minimum, to restart quickly
		ingestArgs = concat(database, "--spring.kafka.bootstrap-servers=" + kafka,
				"--spring.kafka.consumer.group-id=ingest-" + UUID.randomUUID(),
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.heartbeat-interval=2s", "--rag.ingest.embedding.url=" + embedding,
				"--rag.ingest.retrieval.url=" + retrieval.url());
		ingest = ServiceProcess.start("ingest-service", "512m", IMAGE_FLAGS, ingestArgs);
	}

	@AfterAll
	static void stop() {
		if (ingest != null) {
			ingest.stop();
		}
		if (retrieval != null) {
			retrieval.stop();
		}
	}

	@BeforeEach
	void collection() {
		this.api = new IngestApi(ingest.url());
		this.search = new IngestApi(retrieval.url());
		this.collection = createCollection(64);
	}

	@Test
	void theLargestDocumentOfEachKindEndsIndexedOrFailedWithItsReasonAndTheServiceStaysUp() {
		// the longest chunks the model takes: a text may have up to 20,000 × 512 tokens before it is refused
		this.collection = createCollection(512);
		int size = MAX_DOCUMENT_SIZE - 64 * 1024;
		Map<String, byte[]> files = new LinkedHashMap<>();
		files.put("letters.txt", Fixtures.prose("text", size, true));
		files.put("letters.md", Fixtures.prose("markdown", size, true));
		files.put("letters.html", Fixtures.prose("html", size, true));
		files.put("scan.pdf", Fixtures.pdfWithImage("The scanned report records the river's flood levels.", size));
		files.put("scan.docx", Fixtures.docxWithPicture("The scanned letter confirms the lease of the mill.", size));
		files.put("letters-2.txt", files.get("letters.txt"));
		// all of them queued before the pipeline polls, so that it gets them together (as after an outage): an
		// instance whose listeners never start takes the uploads while the pipeline's instance is stopped
		ingest.stop();
		Map<String, String> ids = new LinkedHashMap<>();
		try (ServiceProcess intake = ServiceProcess.start("ingest-service", "512m", IMAGE_FLAGS,
				concat(ingestArgs, "--spring.kafka.listener.auto-startup=false"))) {
			IngestApi intakeApi = new IngestApi(intake.url());
			files.forEach((name, bytes) -> {
				assertThat(bytes.length).as(name).isBetween(MAX_DOCUMENT_SIZE - 2 * 1024 * 1024, MAX_DOCUMENT_SIZE);
				ResponseEntity<JsonNode> accepted = intakeApi.upload(documents(), bytes, name, Map.of());
				assertThat(accepted.getStatusCode().value()).as("%s: %s", name, accepted.getBody()).isEqualTo(202);
				ids.put(name, accepted.getBody().path("documentId").asString());
			});
		}
		ingest.start();

		Map<String, JsonNode> settled = new LinkedHashMap<>();
		ids.forEach((name, id) -> settled.put(name, awaitSettled(id)));

		assertThat(ingest.exitCode()).as("ingest-service exited (its log: %s)", ingest.log()).isNull();
		for (String text : List.of("letters.txt", "letters.md", "letters-2.txt")) { // more tokens than 20,000 chunks hold
			JsonNode document = settled.get(text);
			assertThat(document.path("status").asString()).as("%s", document).isEqualTo("FAILED");
			assertThat(document.path("failedStage").asString()).as("%s", document).isEqualTo("chunk");
			assertThat(document.path("failureReason").asString()).as("%s", document)
				.contains("more than rag.ingest.limits.max-chunks (20000) chunks of at most");
		}
		JsonNode html = settled.get("letters.html"); // its text, as Markdown, is longer than the parser takes
		assertThat(html.path("status").asString()).as("%s", html).isEqualTo("FAILED");
		assertThat(html.path("failedStage").asString()).as("%s", html).isEqualTo("parse");
		assertThat(html.path("failureReason").asString()).as("%s", html)
			.isEqualTo("HTML has more than 32000000 characters of text");
		for (String scan : List.of("scan.pdf", "scan.docx")) {
			JsonNode document = settled.get(scan);
			assertThat(document.path("status").asString()).as("%s", document).isEqualTo("INDEXED");
		}
		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"lease of the mill", "mode", "lexical", "topK", 1)).getBody();
		assertThat(IngestApi.documentIds(found)).containsExactly(ids.get("scan.docx"));
	}

	@Test
	void aRecordUnderWhichTheProcessDiesIsGivenUpAfterMaxDeliveriesWithTheReasonAndIntakeGoesOn() throws Exception {
		ResponseEntity<JsonNode> accepted = this.api.upload(documents(),
				Fixtures.prose("text", MAX_DOCUMENT_SIZE - 64 * 1024, false), "killer.txt", Map.of());
		assertThat(accepted.getStatusCode().value()).as("%s", accepted.getBody()).isEqualTo(202);
		String id = accepted.getBody().path("documentId").asString();

		// the process dies under it three times (rag.ingest.pipeline.max-deliveries): as an OOM kill would do it
		for (int start = 1; start <= 3; start++) {
			int expected = start;
			await().atMost(SETTLING).pollInterval(Duration.ofMillis(20))
				.until(() -> startedWithoutFinishing() == expected);
			ingest.kill();
			assertThat(startedWithoutFinishing()).as("the count survives the process").isEqualTo(expected);
			ingest.start();
			this.api = new IngestApi(ingest.url());
		}

		JsonNode failed = awaitSettled(id);
		assertThat(failed.path("status").asString()).as("%s", failed).isEqualTo("FAILED");
		assertThat(failed.path("failureReason").asString()).as("%s", failed)
			.contains("ingest-service stopped 3 times while processing this document")
			.contains("rag.ingest.pipeline.max-deliveries (3)");
		await().atMost(Duration.ofSeconds(30)).until(() -> startedWithoutFinishing() == 0); // dead-lettered, then cleared
		assertThat(deadLetterReason(id)).contains("stopped 3 times");

		// and the service is not in a loop: the next document goes through
		ResponseEntity<JsonNode> next = this.api.post(documents(), Map.of("text",
				"Millers leased the mill on the river for a rent of grain."));
		assertThat(awaitSettled(next.getBody().path("documentId").asString()).path("status").asString())
			.isEqualTo("INDEXED");
		assertThat(ingest.exitCode()).isNull();
	}

	/** The highest count of unfinished starts in ingest.deliveries (0 when none is in flight). */
	private static int startedWithoutFinishing() throws SQLException {
		try (Connection connection = db.connect();
				PreparedStatement query = connection
					.prepareStatement("SELECT coalesce(max(started), 0) FROM ingest.deliveries");
				ResultSet rows = query.executeQuery()) {
			rows.next();
			return rows.getInt(1);
		}
	}

	/** The dead-letter reason of the record of document {@code id}, read from the topic. */
	private static String deadLetterReason(String id) {
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of(Topics.deadLetter(Topics.DOCUMENTS)));
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (System.nanoTime() < deadline) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					var reason = record.headers().lastHeader("kafka_dlt-exception-message");
					if (record.value() != null && record.value().contains(id) && reason != null) {
						return new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8);
					}
				}
			}
		}
		throw new AssertionError("no dead letter for document " + id);
	}

	/** Waits until the document is INDEXED or FAILED; fails at once, saying so, if ingest-service exits. */
	private JsonNode awaitSettled(String id) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(SETTLING).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (ingest.exitCode() != null) {
				throw new AssertionError("ingest-service exited with " + ingest.exitCode() + "; its log: " + ingest.log());
			}
			last[0] = this.api.get(documents() + "/" + id).getBody();
			return last[0] != null && List.of("INDEXED", "FAILED").contains(last[0].path("status").asString());
		});
		return last[0];
	}

	private String createCollection(int targetTokens) {
		String name = "large-" + UUID.randomUUID().toString().substring(0, 8);
		ResponseEntity<JsonNode> created = this.search.post("/v1/collections", Map.of("name", name,
				"chunking", Map.of("targetTokens", targetTokens, "overlapTokens", 8)));
		assertThat(created.getStatusCode().value()).as("%s", created).isEqualTo(201);
		return name;
	}

	private String documents() {
		return "/v1/collections/" + this.collection + "/documents";
	}

	private static List<String> concat(List<String> first, String... more) {
		List<String> all = new java.util.ArrayList<>(first);
		all.addAll(List.of(more));
		return all;
	}

}
