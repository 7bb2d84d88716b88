package dev.ragplatform.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import dev.ragplatform.ingest.document.Submission;
import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.KafkaBroker;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import dev.ragplatform.testsupport.ServiceProcess;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.ragplatform.ingest.embedding.EmbeddingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole way from a document to search, with everything real: this service on Kafka and PostgreSQL, the
 * packaged embedding-service (which one test kills and restarts) and the packaged retrieval-service indexing what
 * this service publishes.
 */
// closed after the class: a cached context's listeners would go on taking the next classes' records
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rag.ingest.limits.max-document-size=1MB", "rag.ingest.embedding.open-for=3s",
				"rag.ingest.embedding.retry-backoff=200ms", "rag.ingest.pipeline.max-backoff=2s",
				"rag.ingest.retrieval.cache-for=1s", "rag.ingest.connectors.allowed-roots=${java.io.tmpdir}",
				"rag.ingest.pipeline.requeue-after=2s" })
@RealPostgres
@RealKafka
class DocumentPipelineIT {

	static final Duration INDEXING = Duration.ofSeconds(120);

	static ServiceProcess embedding;

	static ServiceProcess retrieval;

	@DynamicPropertySource
	static synchronized void services(DynamicPropertyRegistry registry) {
		if (embedding == null) {
			embedding = EmbeddingServiceProcess.start(); // this class's own: one test kills it
			PostgresDatabase db = RealInfrastructure.postgres(DocumentPipelineIT.class);
			retrieval = ServiceProcess.start("retrieval-service", "512m",
					List.of("--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.username(),
							"--spring.datasource.password=" + db.password(),
							"--spring.kafka.bootstrap-servers=" + RealInfrastructure.kafka().bootstrapServers(),
							"--spring.kafka.consumer.group-id=retrieval-" + UUID.randomUUID(),
							"--rag.retrieval.embedding.url=" + embedding.url()));
		}
		registry.add("rag.ingest.embedding.url", () -> embedding.url().toString());
		registry.add("rag.ingest.retrieval.url", () -> retrieval.url().toString());
	}

	/** The processes stop with the class: their consumers must not take the next classes' records. */
	@org.junit.jupiter.api.AfterAll
	static void stopServices() {
		if (retrieval != null) {
			retrieval.stop();
		}
		if (embedding != null) {
			embedding.stop();
		}
	}

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	EmbeddingClient embeddingClient;

	@Autowired
	KafkaListenerEndpointRegistry listeners;

	@Autowired
	org.springframework.jdbc.core.simple.JdbcClient jdbc;

	@Autowired
	DocumentRepository documents;

	IngestApi ingest;

	IngestApi search;

	String collection;

	@BeforeEach
	void collection() {
		this.ingest = new IngestApi(java.net.URI.create("http://127.0.0.1:" + this.port));
		this.search = new IngestApi(retrieval.url());
		this.collection = "c-" + UUID.randomUUID().toString().substring(0, 8);
		ResponseEntity<JsonNode> created = this.search.post("/v1/collections", Map.of("name", this.collection,
				"chunking", Map.of("targetTokens", 64, "overlapTokens", 8)));
		assertThat(created.getStatusCode().value()).as("%s", created).isEqualTo(201);
	}

	@Test
	void aTextDocumentOverRestEndsIndexedSearchableWithExactOffsetsAndVersions() {
		String text = Fixtures.article("Photosynthesis", "The zebrafish lateral line regenerates hair cells within "
				+ "forty-eight hours after neomycin exposure.");
		ResponseEntity<JsonNode> accepted = this.ingest.post(documents(), Map.of("externalId", "article-1", "title",
				"On plants", "text", text, "metadata", Map.of("lang", "en", "year", 2024)));
		assertThat(accepted.getStatusCode().value()).as("%s", accepted).isEqualTo(202);
		String id = accepted.getBody().path("documentId").asString();
		assertThat(accepted.getHeaders().getLocation()).hasToString(documents() + "/" + id);

		JsonNode indexed = awaitStatus(id, "INDEXED");
		assertThat(indexed.path("version").asLong()).isEqualTo(1);
		int chunks = indexed.path("chunks").asInt();
		assertThat(chunks).as("64-token chunks of a long article").isGreaterThan(3);
		assertThat(indexed.path("chunksEmbedded").asInt()).isEqualTo(chunks);
		assertThat(indexed.path("progress").asDouble()).isEqualTo(1.0);
		assertThat(this.ingest.getText(documents() + "/" + id + "/text").getBody()).isEqualTo(text);

		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"how fast do zebrafish hair cells regenerate after neomycin", "mode", "hybrid", "topK", 3)).getBody();
		JsonNode best = found.path("results").get(0);
		assertThat(best.path("documentId").asString()).isEqualTo(id);
		assertThat(best.path("text").asString()).contains("zebrafish lateral line");
		assertThat(text.substring(best.path("startOffset").asInt(), best.path("endOffset").asInt()))
			.as("offsets point at the passage in the source").isEqualTo(best.path("text").asString());
		assertThat(best.path("metadata").path("year").asInt()).isEqualTo(2024);
		assertThat(best.path("metadata").path("headings").get(0).asString()).isEqualTo("Photosynthesis");
		// every chunk carried its token vectors (the collection's default storage): reranked over them by default
		assertThat(found.path("reranker").asString()).as("%s", found).isEqualTo("late-interaction (stored binary)");
		assertThat(found.path("reranked").asBoolean()).isTrue();
		// binary: a 388-byte centroid per chunk, then 50 bytes a kept token ([CLS] and at most 64 of the text)
		assertThat(this.search.get("/v1/collections/" + this.collection).getBody().path("lateInteraction")
			.path("sizeBytes").asLong()).as("every chunk's token vectors are stored")
			.isBetween(chunks * (388L + 50 * 2), chunks * (388L + 50 * 65));

		// the same content again is a no-op; changed content is a new version that replaces the old one
		ResponseEntity<JsonNode> again = this.ingest.post(documents(), Map.of("externalId", "article-1", "title",
				"On plants", "text", text, "metadata", Map.of("year", 2024, "lang", "en")));
		assertThat(again.getStatusCode().value()).isEqualTo(200);
		assertThat(again.getBody().path("unchanged").asBoolean()).isTrue();
		assertThat(again.getBody().path("version").asLong()).isEqualTo(1);
		ResponseEntity<JsonNode> changed = this.ingest.post(documents(), Map.of("externalId", "article-1", "title",
				"On plants", "text", "A short second version about kelp forests."));
		assertThat(changed.getStatusCode().value()).isEqualTo(202);
		assertThat(changed.getBody().path("documentId").asString()).isEqualTo(id);
		assertThat(changed.getBody().path("version").asLong()).isEqualTo(2);
		awaitStatus(id, "INDEXED");
		JsonNode inRetrieval = this.search.get("/v1/collections/" + this.collection + "/documents/" + id).getBody();
		assertThat(inRetrieval.path("version").asLong()).isEqualTo(2);
		assertThat(inRetrieval.path("chunks").asInt()).isEqualTo(1);
		assertThat(this.search.get("/v1/collections/" + this.collection).getBody().path("chunks").asInt()).isEqualTo(1);
	}

	@Test
	void deletingErasesContentTextAndChunksAndDeletingTheCollectionEndsItsDocuments() {
		String text = "Beavers build dams of branches and mud across slow streams.";
		String id = this.ingest.post(documents(), Map.of("externalId", "dam", "text", text)).getBody()
			.path("documentId").asString();
		awaitStatus(id, "INDEXED");
		String chunk = "/v1/collections/" + this.collection + "/documents/" + id + "/chunks/0";
		assertThat(this.search.get(chunk).getStatusCode().value()).isEqualTo(200);

		assertThat(this.ingest.delete(documents() + "/" + id).getStatusCode().value()).isEqualTo(202);
		awaitStatus(id, "DELETED");
		assertThat(this.ingest.getText(documents() + "/" + id + "/text").getStatusCode().value()).isEqualTo(404);
		assertThat(storedContents(id)).as("the stored bytes and text are erased").isZero();
		this.ingest.awaitJson(chunk, INDEXING, (problem) -> problem.path("status").asInt() == 404);

		// the same content again, then the whole collection deleted: ingest's view of it ends too
		String again = this.ingest.post(documents(), Map.of("externalId", "dam", "text", text)).getBody()
			.path("documentId").asString();
		assertThat(awaitStatus(again, "INDEXED").path("version").asLong()).isEqualTo(2);
		assertThat(this.search.delete("/v1/collections/" + this.collection).getStatusCode().value()).isEqualTo(204);
		awaitStatus(again, "DELETED");
		assertThat(storedContents(again)).isZero();
		assertThat(this.ingest.getText(documents() + "/" + again + "/text").getStatusCode().value()).isEqualTo(404);

		// a collection created again under the name starts empty, and identical content is indexed into it
		assertThat(this.search.post("/v1/collections", Map.of("name", this.collection)).getStatusCode().value())
			.isEqualTo(201);
		ResponseEntity<JsonNode> resent = this.ingest.post(documents(), Map.of("externalId", "dam", "text", text));
		assertThat(resent.getStatusCode().value()).as("not 'unchanged': %s", resent.getBody()).isEqualTo(202);
		awaitStatus(resent.getBody().path("documentId").asString(), "INDEXED");
		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"what do beavers build dams of", "topK", 1)).getBody();
		assertThat(found.path("results").get(0).path("text").asString()).isEqualTo(text);
	}

	private int storedContents(String id) {
		return this.jdbc.sql("SELECT count(*) FROM ingest.contents WHERE document_id = ?::uuid")
			.param(id)
			.query(Integer.class)
			.single();
	}

	@Test
	void aDocumentStoredButNeverQueuedIsQueuedByTheRequeuer() {
		// what a process that died between its commit and its Kafka send (or a broker that was down) leaves behind
		Registration stored = this.documents.register(new Submission(this.collection, "orphan", "Orphan", Map.of(),
				"Tardigrades survive desiccation by vitrifying their cytoplasm with disordered proteins."
					.getBytes(StandardCharsets.UTF_8), null, "text/plain", "rest", null, null));
		String id = stored.document().id().toString();
		assertThat(this.ingest.get(documents() + "/" + id).getBody().path("status").asString()).isEqualTo("RECEIVED");
		JsonNode indexed = awaitStatus(id, "INDEXED");
		assertThat(indexed.path("version").asLong()).isEqualTo(1);
		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"how do tardigrades survive drying", "topK", 1)).getBody();
		assertThat(IngestApi.documentIds(found)).containsExactly(id);
	}

	@Test
	void anIdempotencyKeyMakesAClientRetryAnswerTheFirstDocument() {
		Map<String, Object> body = Map.of("title", "Retried", "text", "Axolotls regrow whole limbs from a blastema.");
		ResponseEntity<JsonNode> first = this.ingest.post(documents(), body, "Idempotency-Key", "upload-7f3a");
		assertThat(first.getStatusCode().value()).as("%s", first).isEqualTo(202);
		ResponseEntity<JsonNode> retried = this.ingest.post(documents(), body, "Idempotency-Key", "upload-7f3a");
		assertThat(retried.getStatusCode().value()).as("%s", retried).isEqualTo(200);
		assertThat(retried.getBody().path("documentId").asString())
			.isEqualTo(first.getBody().path("documentId").asString());
		ResponseEntity<JsonNode> reused = this.ingest.post(documents(), Map.of("text", "Something else entirely."),
				"Idempotency-Key", "upload-7f3a");
		assertThat(reused.getStatusCode().value()).as("%s", reused).isEqualTo(422);
		assertThat(reused.getBody().path("detail").asString()).contains("upload-7f3a").contains("different request");
		ResponseEntity<JsonNode> bad = this.ingest.post(documents(), body, "Idempotency-Key", "x".repeat(256));
		assertThat(bad.getStatusCode().value()).as("%s", bad).isEqualTo(400);
		ResponseEntity<JsonNode> withoutKey = this.ingest.post(documents(), body);
		assertThat(withoutKey.getBody().path("documentId").asString()).as("without a key, a new document")
			.isNotEqualTo(first.getBody().path("documentId").asString());
		awaitStatus(first.getBody().path("documentId").asString(), "INDEXED");
		assertThat(this.ingest.get(documents()).getBody().path("total").asInt()).isEqualTo(2);
	}

	@Test
	void aChunkRecordRetrievalDeadLettersFailsItsVersionInsteadOfLeavingItEmbedded() throws Exception {
		Registration stored = this.documents.register(new Submission(this.collection, "half", "Half", Map.of(),
				"Two parts, one of which never arrives.".getBytes(StandardCharsets.UTF_8), null, "text/plain", "kafka",
				null, null));
		UUID id = stored.document().id();
		assertThat(this.documents.advance(id, 1, DocumentStatus.EMBEDDED, 2)).isTrue();
		// a part that retrieval-service refuses (it claims chunks it does not carry): dead-lettered there
		this.kafka.send(Topics.CHUNKS, this.collection + "/" + id, IngestApi.JSON.writeValueAsString(Map.of("type",
				"chunks", "collection", this.collection, "documentId", id.toString(), "version", 1, "part", 1, "parts",
				2, "totalChunks", 1, "chunks", List.of(Map.of("index", 5, "text", "x", "startOffset", 0, "endOffset",
						1)))))
			.get(30, TimeUnit.SECONDS);
		JsonNode failed = awaitStatus(id.toString(), "FAILED");
		assertThat(failed.path("failedStage").asString()).isEqualTo("index");
		assertThat(failed.path("failureReason").asString()).contains("retrieval-service could not index")
			.contains("outside [0, totalChunks)");
	}

	@Test
	void aSingleDocumentIsNotHeldBehindAnotherCollectionsBulkImport() {
		// a bulk import as a user's system publishes it: 600 records on rag.documents.v1 at once
		int bulk = 600;
		List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
		for (int i = 0; i < bulk; i++) {
			sends.add(this.kafka.send(Topics.DOCUMENTS, "bulk-" + i, IngestApi.JSON.writeValueAsString(record("bulk-" + i,
					"Bulk record " + i + ". " + Fixtures.article("Record " + i, "Glaciers calve icebergs " + i + ".")
						.substring(0, 600)))));
		}
		sends.forEach(java.util.concurrent.CompletableFuture::join);
		String other = "c-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(this.search.post("/v1/collections", Map.of("name", other)).getStatusCode().value()).isEqualTo(201);
		long posted = System.nanoTime();
		String single = this.ingest.post("/v1/collections/" + other + "/documents",
				Map.of("text", "One sentence about lichens, sent while a bulk import runs.")).getBody()
			.path("documentId").asString();
		this.ingest.awaitJson("/v1/collections/" + other + "/documents/" + single, INDEXING,
				(d) -> "INDEXED".equals(d.path("status").asString()));
		double waited = (System.nanoTime() - posted) / 1e9;
		long pending = this.ingest.get(documents() + "?status=INDEXED&size=1").getBody().path("total").asLong();
		pending = bulk - pending;
		System.out.printf("fair intake: the single document was INDEXED after %.1f s, with %d of the %d bulk documents "
				+ "sent before it still not indexed%n", waited, pending, bulk);
		assertThat(pending).as("the single document went ahead of most of the import sent before it")
			.isGreaterThan(bulk / 2);
		// the rest of the class runs on a quiet pipeline
		this.ingest.awaitJson(documents() + "?status=INDEXED&size=1", Duration.ofMinutes(5),
				(page) -> page.path("total").asInt() == bulk);
	}

	@Test
	void pdfAndDocxFilesAreParsedToTextAndIndexed() throws Exception {
		String sentence = "Mitochondrial fission is driven by DRP1 recruitment to the outer membrane.";
		ResponseEntity<JsonNode> pdf = this.ingest.upload(documents(), Fixtures.pdf("Cell biology notes", false, sentence,
				"A second paragraph follows the first one."),
				"notes.pdf", Map.of("externalId", "pdf-1", "metadata", "{\"kind\": \"pdf\"}"));
		assertThat(pdf.getStatusCode().value()).as("%s", pdf).isEqualTo(202);
		assertThat(pdf.getBody().path("mediaType").asString()).isEqualTo("application/pdf");
		ResponseEntity<JsonNode> docx = this.ingest.upload(documents(),
				Fixtures.docx("Kinetics", "Kinetics",
						"Enzyme kinetics follow the Michaelis-Menten equation at low substrate."),
				"kinetics.bin", Map.of());
		assertThat(docx.getStatusCode().value()).as("%s", docx).isEqualTo(202);
		assertThat(docx.getBody().path("mediaType").asString()).as("detected from the content, not the name")
			.isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");

		String pdfId = pdf.getBody().path("documentId").asString();
		String docxId = docx.getBody().path("documentId").asString();
		assertThat(awaitStatus(pdfId, "INDEXED").path("title").asString()).isEqualTo("Cell biology notes");
		awaitStatus(docxId, "INDEXED");
		assertThat(this.ingest.getText(documents() + "/" + pdfId + "/text").getBody()).contains(sentence);
		assertThat(this.ingest.getText(documents() + "/" + docxId + "/text").getBody()).contains("# Kinetics")
			.contains("Michaelis-Menten");
		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"what recruits DRP1 for mitochondrial fission", "topK", 1, "filter", Map.of("kind", "pdf"))).getBody();
		assertThat(IngestApi.documentIds(found)).containsExactly(pdfId);
	}

	@Test
	void kafkaRecordsEndIndexedAndRedeliveriesAddNothing() throws Exception {
		Map<String, Object> v1 = record("k-1", "Deep-sea vents host chemosynthetic bacterial mats.");
		publish("k-1", v1);
		publish("k-1", v1); // a redelivery
		JsonNode first = awaitExternal("k-1", "INDEXED");
		publish("k-1", v1);
		Map<String, Object> v2 = record("k-1", "Deep-sea vents host tubeworms that feed on symbionts.");
		publish("k-1", v2); // same key, same partition: processed after the duplicates
		String id = first.path("documentId").asString();
		JsonNode latest = this.ingest.awaitJson(documents() + "/" + id, INDEXING,
				(d) -> d.path("version").asLong() == 2 && "INDEXED".equals(d.path("status").asString()));
		assertThat(latest.path("source").asString()).isEqualTo("kafka");
		assertThat(latest.path("attempts").asInt()).isEqualTo(1);
		JsonNode c = this.search.get("/v1/collections/" + this.collection).getBody();
		assertThat(c.path("documents").asInt()).isEqualTo(1);
		assertThat(c.path("chunks").asInt()).isEqualTo(latest.path("chunks").asInt());
		assertThat(this.ingest.get(documents()).getBody().path("total").asInt()).isEqualTo(1);
	}

	private double deadLetterRecords() {
		String line = this.ingest.getText("/actuator/prometheus")
			.getBody()
			.lines()
			.filter((l) -> l.startsWith("rag_kafka_dead_letter_records{") && l.contains("topic=\"rag.documents.v1-dlt\""))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no rag_kafka_dead_letter_records for rag.documents.v1-dlt"));
		return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
	}

	@Test
	void aBacklogOfPoisonRecordsIsDeadLetteredABatchAtATimeNotAPollPerRecord(KafkaBroker broker) throws Exception {
		// what a collection deleted under a bulk import leaves: hundreds of records no collection takes, on one
		// partition, and a healthy record behind them
		String key = UUID.randomUUID() + "-backlog";
		Map<String, Object> elsewhere = new HashMap<>(record("x", "text"));
		elsewhere.put("collection", "deleted-under-an-import");
		String value = IngestApi.JSON.writeValueAsString(elsewhere);
		List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			sent.add(this.kafka.send(Topics.DOCUMENTS, key, value));
		}
		java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
			.get(30, TimeUnit.SECONDS);
		publish(key, record("after-backlog", "Healthy document published behind a backlog of poison records."));

		// a poll per poison record (each waiting out the consumer's in-flight fetch, about half a second) did not
		// get through them within this bound
		awaitExternal("after-backlog", "INDEXED", Duration.ofSeconds(45));
		// the last batch's poison records are sent once its healthy one is done: each of them once
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(deadLetterCounts(broker, List.of(key))).isEqualTo(Map.of(key, 300)));
	}

	@Test
	void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndDoNotBlockTheirPartition(KafkaBroker broker)
			throws Exception {
		// NaN until the meter has reached the broker once
		double deadLettersBefore = await().atMost(Duration.ofSeconds(30))
			.until(this::deadLetterRecords, (n) -> !Double.isNaN(n));
		String prefix = UUID.randomUUID().toString();
		String garbage = prefix + "-garbage";
		String unknown = prefix + "-unknown";
		String both = prefix + "-both";
		String broken = prefix + "-broken";
		this.kafka.send(Topics.DOCUMENTS, garbage, "{not json").get(30, TimeUnit.SECONDS);
		Map<String, Object> elsewhere = new HashMap<>(record("x", "text"));
		elsewhere.put("collection", "no-such-collection");
		publish(unknown, elsewhere);
		Map<String, Object> twoBodies = new HashMap<>(record("y", "text"));
		twoBodies.put("content", Base64.getEncoder().encodeToString("bytes".getBytes(StandardCharsets.UTF_8)));
		publish(both, twoBodies);
		byte[] corruptPdf = java.util.Arrays.copyOf(Fixtures.pdf("Broken", false, "This PDF is cut short."), 400);
		publish(broken, Map.of("collection", this.collection, "externalId", "broken", "fileName", "broken.pdf",
				"content", Base64.getEncoder().encodeToString(corruptPdf)));
		// good records behind each poison one, on the same keys (so the same partitions)
		for (String key : List.of(garbage, unknown, both, broken)) {
			publish(key, record("after-" + key, "Healthy document published after a poison record: " + key));
		}

		Map<String, String> reasons = deadLetters(broker, List.of(garbage, unknown, both, broken));
		assertThat(reasons.get(garbage)).contains("not a document record");
		assertThat(reasons.get(unknown)).contains("unknown collection 'no-such-collection'");
		assertThat(reasons.get(both)).contains("exactly one of text and content");
		assertThat(reasons.get(broken)).isNotBlank();
		// the topic's records, read from the broker, in the Prometheus text the console's overview reads (the meter
		// rereads the broker at most every 15 s)
		await().atMost(Duration.ofSeconds(60)).until(() -> deadLetterRecords() >= deadLettersBefore + 4);
		for (String key : List.of(garbage, unknown, both, broken)) {
			awaitExternal("after-" + key, "INDEXED");
		}
		// once each
		assertThat(deadLetterCounts(broker, List.of(garbage, unknown, both, broken)))
			.isEqualTo(Map.of(garbage, 1, unknown, 1, both, 1, broken, 1));

		JsonNode failed = awaitExternal("broken", "FAILED");
		assertThat(failed.path("failedStage").asString()).isEqualTo("parse");
		assertThat(failed.path("failureReason").asString()).isNotBlank();
		assertThat(this.ingest.get(documents() + "?status=failed").getBody().path("total").asInt()).isEqualTo(1);
		String id = failed.path("documentId").asString();
		ResponseEntity<JsonNode> retried = this.ingest.post(documents() + "/" + id + ":retry", Map.of());
		assertThat(retried.getStatusCode().value()).as("%s", retried).isEqualTo(202);
		JsonNode again = this.ingest.awaitJson(documents() + "/" + id, INDEXING,
				(d) -> d.path("attempts").asInt() == 2 && "FAILED".equals(d.path("status").asString()));
		assertThat(again.path("failedStage").asString()).isEqualTo("parse");
	}

	/**
	 * The console's document page and upload: a document's status history written as it moves; the same content
	 * refused as a duplicate only when asked (duplicates=refuse), naming the first; a deleted document out of the
	 * default list and count but listed under its status.
	 */
	@Test
	void historyDuplicatesAndDeletedDocumentsAsTheConsoleShowsThem() {
		String text = "Lighthouses use Fresnel lenses to throw a beam many miles out to sea.";
		String id = this.ingest.post(documents(), Map.of("text", text)).getBody().path("documentId").asString();
		awaitStatus(id, "INDEXED");
		JsonNode history = this.ingest.get(documents() + "/" + id + "/history").getBody();
		assertThat(history.valueStream().map((h) -> h.path("status").asString()).toList())
			.containsExactly("RECEIVED", "PARSED", "CHUNKED", "EMBEDDED", "INDEXED");

		ResponseEntity<JsonNode> refused = this.ingest.post(documents() + "?duplicates=refuse", Map.of("text", text));
		assertProblem(refused, 409, "already holds this content");
		assertThat(refused.getBody().path("duplicates").path(0).path("documentId").asString()).isEqualTo(id);
		assertThat(this.ingest.get(documents()).getBody().path("total").asInt()).as("nothing stored").isEqualTo(1);
		// the same document's own externalId is a new version, not a duplicate; without the check a copy is stored
		assertThat(this.ingest.post(documents() + "?duplicates=refuse", Map.of("externalId", id, "text", text))
			.getStatusCode().value()).isEqualTo(200);
		assertThat(this.ingest.post(documents(), Map.of("text", text)).getStatusCode().value()).isEqualTo(202);
		assertProblem(this.ingest.post(documents() + "?duplicates=maybe", Map.of("text", text)), 400, "duplicates");

		assertThat(this.ingest.delete(documents() + "/" + id).getStatusCode().value()).isEqualTo(202);
		JsonNode page = this.ingest.get(documents()).getBody();
		assertThat(page.path("total").asInt()).isEqualTo(1);
		assertThat(page.path("documents").valueStream().map((d) -> d.path("documentId").asString())).doesNotContain(id);
		assertThat(page.path("byStatus").path("DELETED").asInt()).isEqualTo(1);
		JsonNode deleted = this.ingest.get(documents() + "?status=DELETED").getBody().path("documents").path(0);
		assertThat(deleted.path("documentId").asString()).isEqualTo(id);
		assertThat(deleted.path("progress").asDouble()).isZero();
		assertThat(this.ingest.get(documents() + "/" + id + "/history").getBody().valueStream()
			.map((h) -> h.path("status").asString()).toList()).endsWith("DELETED");

		// three documents waiting (as a bulk import leaves them: stored, queued, not yet taken), longer than any other
		// can have: each knows its place
		String waiting = "queue-" + UUID.randomUUID().toString().substring(0, 8);
		for (int i = 0; i < 3; i++) {
			this.jdbc.sql("""
					INSERT INTO ingest.documents (id, collection, external_id, version, status, media_type, size_bytes,
					    content_hash, source, queued_at, updated_at, created_at)
					VALUES (gen_random_uuid(), ?, ?, 1, 'RECEIVED', 'text/plain', 10, sha256(?::bytea), 'rest', now(),
					    timestamptz '2000-01-01' + ? * interval '1 millisecond', now())""")
				.params(waiting, "w" + i, "w" + i, i)
				.update();
		}
		try {
			Map<String, Long> behind = new HashMap<>();
			this.ingest.get("/v1/collections/" + waiting + "/documents").getBody().path("documents")
				.forEach((d) -> behind.put(d.path("externalId").asString(), d.path("waitingBehind").asLong(-1)));
			// they waited longest of all (since 2000): first, second and third in the queue
			assertThat(behind).isEqualTo(Map.of("w0", 0L, "w1", 1L, "w2", 2L));
		}
		finally {
			this.jdbc.sql("DELETE FROM ingest.documents WHERE collection = ?").param(waiting).update();
		}
	}

	/**
	 * A record dead-lettered because its collection did not exist is listed with its reason; once the collection is
	 * created, a replay sends it back and it is indexed; a second replay sends nothing.
	 */
	@Test
	void aDeadLetterReplayedAfterTheFixIsIndexedOnce(KafkaBroker broker) throws Exception {
		String later = "later-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> record = new HashMap<>(record("too-early", "Written before its collection existed."));
		record.put("collection", later);
		String key = later + "/too-early";
		publish(key, record);
		JsonNode letter = await().atMost(INDEXING).pollInterval(Duration.ofMillis(500)).until(
				() -> this.ingest.get("/v1/dead-letters?topic=rag.documents.v1-dlt&limit=500").getBody().path("records")
					.valueStream().filter((r) -> key.equals(r.path("key").asString())).findFirst().orElse(null),
				(r) -> r != null);
		assertThat(letter.path("reason").asString()).contains("unknown collection '" + later + "'");
		assertThat(letter.path("collection").asString()).isEqualTo(later);
		assertThat(letter.path("originalTopic").asString()).isEqualTo(Topics.DOCUMENTS);

		assertThat(this.search.post("/v1/collections", Map.of("name", later)).getStatusCode().value()).isEqualTo(201);
		String replay = "/v1/dead-letters/" + letter.path("id").asString() + ":replay";
		ResponseEntity<JsonNode> sent = this.ingest.post(replay, Map.of());
		assertThat(sent.getStatusCode().value()).as("%s", sent).isEqualTo(202);
		assertThat(sent.getBody().path("sentTo").asString()).isEqualTo(Topics.DOCUMENTS);
		this.ingest.awaitJson("/v1/collections/" + later + "/documents?status=INDEXED", INDEXING,
				(p) -> p.path("total").asInt() == 1);

		long recordsBefore = records(broker, Topics.DOCUMENTS);
		ResponseEntity<JsonNode> again = this.ingest.post(replay, Map.of());
		assertThat(again.getStatusCode().value()).isEqualTo(200);
		assertThat(again.getBody().path("replayed").asBoolean()).isFalse();
		assertThat(records(broker, Topics.DOCUMENTS)).as("nothing sent by the second replay").isEqualTo(recordsBefore);
		assertThat(this.ingest.get("/v1/dead-letters?topic=rag.documents.v1-dlt&limit=500").getBody().path("records")
			.valueStream().filter((r) -> key.equals(r.path("key").asString())).findFirst().orElseThrow()
			.path("replayedAt").isNull()).isFalse();
		assertProblem(this.ingest.post("/v1/dead-letters/rag.documents.v1/0/0:replay", Map.of()), 400, "topic must be");
		assertProblem(this.ingest.post("/v1/dead-letters/rag.documents.v1-dlt/0/999999999:replay", Map.of()), 404,
				"No record");
	}

	@Test
	void badRequestsGetProblemsWithTheRightStatus() {
		assertProblem(this.ingest.post("/v1/collections/no-such-collection/documents", Map.of("text", "hello")), 404,
				"does not exist");
		assertProblem(this.ingest.post(documents(), Map.of("text", "   ")), 422, "no text");
		assertProblem(this.ingest.post(documents(), Map.of("title", "no text at all")), 422, "no text");
		assertProblem(this.ingest.upload(documents(), new byte[0], "empty.txt", Map.of()), 422, "empty");
		assertProblem(this.ingest.upload(documents(), Fixtures.png(), "picture.txt", Map.of()), 415, "image/png");
		assertProblem(this.ingest.upload(documents(), Fixtures.zip(), "archive.pdf", Map.of()), 415, "application/zip");
		assertProblem(this.ingest.post(documents(), Map.of("text", "x".repeat(1_100_000))), 413, "at most");
		assertProblem(this.ingest.upload(documents(), new byte[1_200_000], "big.txt", Map.of()), 413, null);
		assertProblem(this.ingest.upload(documents(), "text".getBytes(StandardCharsets.UTF_8), "a.txt",
				Map.of("metadata", "[1, 2")), 400, "metadata must be a JSON object");
		assertProblem(this.ingest.post(documents(), Map.of("title", "nul\u0000here", "text", "fine")), 400,
				"must not contain NUL");
		assertProblem(this.ingest.post("/v1/collections/" + this.collection + "/sources/java",
				Map.of("path", "bad\u0000path")), 400, "not a valid path");
		assertProblem(this.ingest.get(documents() + "/" + UUID.randomUUID()), 404, "is not in collection");
		assertProblem(this.ingest.get(documents() + "/not-a-uuid"), 404, "No document");
		assertProblem(this.ingest.get(documents() + "?status=DONE"), 400, "status must be one of");
		assertProblem(this.ingest.get(documents() + "?size=0"), 400, "size");

		String id = this.ingest.post(documents(), Map.of("text", "A fine document.")).getBody().path("documentId")
			.asString();
		assertProblem(this.ingest.post(documents() + "/" + id + ":retry", Map.of()), 409, "Only failed documents");
	}

	@Test
	void aNulCharacterInTheTextBecomesASpaceSoOffsetsHold() {
		String text = "Before the nul\u0000after the nul, about coral bleaching.";
		String id = this.ingest.post(documents(), Map.of("text", text)).getBody().path("documentId").asString();
		awaitStatus(id, "INDEXED");
		assertThat(this.ingest.getText(documents() + "/" + id + "/text").getBody()).isEqualTo(text.replace('\u0000', ' '));
	}

	@Test
	void deletingADocumentRemovesItFromSearch() {
		String id = this.ingest.post(documents(), Map.of("text", "Glaciers in Patagonia are retreating quickly."))
			.getBody()
			.path("documentId")
			.asString();
		awaitStatus(id, "INDEXED");
		ResponseEntity<JsonNode> deleted = this.ingest.delete(documents() + "/" + id);
		assertThat(deleted.getStatusCode().value()).isEqualTo(202);
		assertThat(deleted.getBody().path("status").asString()).isEqualTo("DELETED");
		this.search.awaitJson("/v1/collections/" + this.collection, INDEXING, (c) -> c.path("chunks").asInt() == 0);
		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"Patagonia glaciers", "mode", "lexical")).getBody();
		assertThat(found.path("results")).isEmpty();
		assertProblem(this.ingest.delete(documents() + "/" + id), 404, "deleted");
	}

	@Test
	void anEmbeddingOutageMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
		Set<CircuitBreaker.State> states = ConcurrentHashMap.newKeySet();
		boolean[] paused = new boolean[1];
		this.embeddingClient.circuitBreaker().getEventPublisher().onStateTransition((e) -> {
			states.add(e.getStateTransition().getToState());
			var container = this.listeners.getListenerContainer("document-pipeline");
			paused[0] |= container != null && container.isPauseRequested();
		});
		int documents = 40;
		try {
			for (int i = 0; i < documents; i++) {
				publish("outage-" + i, record("outage-" + i, Fixtures.article("Report " + i,
						"Observation number " + i + " concerns the migration of arctic terns.")));
				if (i == 8) {
					awaitExternal("outage-0", "INDEXED");
					embedding.kill();
				}
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(CircuitBreaker.State.OPEN));
			assertThat(this.ingest.get(documents() + "?status=INDEXED").getBody().path("total").asInt())
				.as("documents wait while embedding-service is down").isLessThan(documents);
		}
		finally {
			embedding.start();
		}
		this.ingest.awaitJson(documents() + "?status=INDEXED", Duration.ofSeconds(240),
				(page) -> page.path("total").asInt() == documents);
		assertThat(paused[0]).as("the pipeline paused while the circuit was open").isTrue();
		JsonNode page = this.ingest.get(documents() + "?size=100").getBody();
		int chunks = 0;
		for (JsonNode d : page.path("documents")) {
			JsonNode indexed = this.search.get("/v1/collections/" + this.collection + "/documents/"
					+ d.path("documentId").asString()).getBody();
			assertThat(indexed.path("chunks").asInt()).as("no duplicate chunks").isEqualTo(d.path("chunks").asInt());
			assertThat(d.path("version").asLong()).isEqualTo(1);
			chunks += d.path("chunks").asInt();
		}
		JsonNode c = this.search.get("/v1/collections/" + this.collection).getBody();
		assertThat(c.path("documents").asInt()).isEqualTo(documents);
		assertThat(c.path("chunks").asInt()).isEqualTo(chunks);
	}

	@Test
	void aJavaApiImportMakesOneSearchableDocumentPerPublicMethod(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		java.nio.file.Path archive = dir.resolve("demo-src.zip");
		java.nio.file.Files.write(archive, Fixtures.javaSources());
		String sources = "/v1/collections/" + this.collection + "/sources/java";
		ResponseEntity<JsonNode> started = this.ingest.post(sources,
				Map.of("path", archive.toString(), "modules", List.of("demo.base")));
		assertThat(started.getStatusCode().value()).as("%s", started).isEqualTo(202);
		String job = started.getHeaders().getLocation().toString();
		JsonNode done = this.ingest.awaitJson(job, INDEXING, (j) -> "DONE".equals(j.path("state").asString()));
		assertThat(done.path("found").asInt()).isEqualTo(5);
		assertThat(done.path("submitted").asInt()).isEqualTo(5);
		this.ingest.awaitJson(documents() + "?status=INDEXED", INDEXING, (p) -> p.path("total").asInt() == 5);

		JsonNode found = this.search.post("/v1/search", Map.of("collection", this.collection, "query",
				"parse a string as an integer in a given radix", "mode", "hybrid", "topK", 3)).getBody();
		JsonNode best = found.path("results").get(0);
		assertThat(best.path("externalId").asString()).isEqualTo("demo.text.Numbers.parse(String,int)");
		assertThat(best.path("metadata").path("api").asString()).isEqualTo("demo.text.Numbers.parse");

		String again = this.ingest.post(sources, Map.of("path", archive.toString(), "modules", List.of("demo.base")))
			.getHeaders().getLocation().toString();
		JsonNode second = this.ingest.awaitJson(again, INDEXING, (j) -> "DONE".equals(j.path("state").asString()));
		assertThat(second.path("unchanged").asInt()).as("a re-import changes nothing").isEqualTo(5);
		assertProblem(this.ingest.post(sources, Map.of("path", "/etc/passwd")), 400, "allowed-roots");
		assertProblem(this.ingest.post(sources, Map.of("path", dir.resolve("missing.zip").toString())), 404,
				"No source archive");
	}

	private String documents() {
		return "/v1/collections/" + this.collection + "/documents";
	}

	private Map<String, Object> record(String externalId, String text) {
		return Map.of("collection", this.collection, "externalId", externalId, "title", "Title " + externalId, "text",
				text, "metadata", Map.of("source", "kafka-test"));
	}

	private void publish(String key, Map<String, Object> record) throws Exception {
		this.kafka.send(Topics.DOCUMENTS, key, IngestApi.JSON.writeValueAsString(record)).get(30, TimeUnit.SECONDS);
	}

	private JsonNode awaitStatus(String id, String status) {
		return this.ingest.awaitJson(documents() + "/" + id, INDEXING, (d) -> {
			if (!"FAILED".equals(status) && "FAILED".equals(d.path("status").asString())) {
				throw new AssertionError("the document failed: " + d);
			}
			return status.equals(d.path("status").asString());
		});
	}

	/** Waits for the document with {@code externalId} to reach {@code status}. */
	private JsonNode awaitExternal(String externalId, String status) {
		return awaitExternal(externalId, status, INDEXING);
	}

	private JsonNode awaitExternal(String externalId, String status, Duration within) {
		JsonNode[] found = new JsonNode[1];
		await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
			for (JsonNode d : this.ingest.get(documents() + "?size=500").getBody().path("documents")) {
				if (externalId.equals(d.path("externalId").asString()) && status.equals(d.path("status").asString())) {
					found[0] = d;
					return true;
				}
			}
			return false;
		});
		return found[0];
	}

	private Map<String, String> deadLetters(KafkaBroker broker, List<String> keys) {
		Map<String, String> reasons = new HashMap<>();
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of(Topics.deadLetter(Topics.DOCUMENTS)));
			await().atMost(INDEXING).until(() -> {
				for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
					if (keys.contains(r.key())) {
						var header = r.headers().lastHeader("kafka_dlt-exception-message");
						reasons.put(r.key(), (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "");
					}
				}
				return reasons.size() == keys.size();
			});
		}
		return reasons;
	}

	/** The records a topic holds: the sum of its partitions' end offsets. */
	private static long records(KafkaBroker broker, String topic) {
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((p) -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	/** How many records of each key the documents' dead-letter topic holds, read to its end. */
	private static Map<String, Integer> deadLetterCounts(KafkaBroker broker, List<String> keys) {
		Map<String, Integer> counts = new HashMap<>();
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
			List<TopicPartition> partitions = consumer
				.partitionsFor(Topics.deadLetter(Topics.DOCUMENTS))
				.stream()
				.map((p) -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			var end = consumer.endOffsets(partitions);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
					if (keys.contains(r.key())) {
						counts.merge(r.key(), 1, Integer::sum);
					}
				}
				return partitions.stream().allMatch((tp) -> consumer.position(tp) >= end.get(tp));
			});
		}
		return counts;
	}

	private static void assertProblem(ResponseEntity<JsonNode> response, int status, String detail) {
		assertThat(response.getStatusCode().value()).as("%s", response).isEqualTo(status);
		assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
		if (detail != null) {
			assertThat(response.getBody().path("detail").asString()).contains(detail);
		}
	}

}
