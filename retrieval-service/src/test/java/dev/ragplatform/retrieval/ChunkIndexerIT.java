package dev.ragplatform.retrieval;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.chunk.DocumentDeleted;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.testsupport.KafkaBroker;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Kafka indexer against a real broker and PostgreSQL: idempotence, versions, parts, deletes, dead letters. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
class ChunkIndexerIT {

	static final String MODEL = "bge-small-en-v1.5";

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	RetrievalApi api;

	String collection;

	@BeforeEach
	void collection() {
		this.api = new RetrievalApi(this.port, this.kafka);
		this.collection = "idx-" + UUID.randomUUID().toString().substring(0, 8);
		this.api.createCollection(this.collection, 4);
	}

	@Test
	void duplicateAndReorderedDeliveriesLeaveExactlyOneCopyOfTheNewestVersion(PostgresDatabase db) throws Exception {
		double staleBefore = stale();
		DocumentChunks v1 = doc("d1", 1, "first version alpha", "first version beta");
		DocumentChunks v2 = doc("d1", 2, "second version gamma", "second version delta", "second version epsilon");
		this.api.publish(v2);
		this.api.publish(v2);
		this.api.publish(v1); // older version arriving late
		this.api.publish(v2);
		DocumentChunks marker = doc("marker", 1, "marker");
		this.api.publish(marker); // same partition order is not guaranteed across keys: wait on both
		this.api.awaitChunks(this.collection, 4);
		await().atMost(Duration.ofSeconds(30)).until(() -> stale() >= staleBefore + 3);
		assertThat(texts(db, "d1")).containsExactly("second version gamma", "second version delta",
				"second version epsilon");
		JsonNode document = this.api.get("/v1/collections/" + this.collection + "/documents/d1").getBody();
		assertThat(document.path("version").asLong()).isEqualTo(2);
		assertThat(document.path("chunks").asInt()).isEqualTo(3);
		JsonNode c = this.api.get("/v1/collections/" + this.collection).getBody();
		assertThat(c.path("documents").asLong()).isEqualTo(2);
	}

	@Test
	void aMultiPartVersionReplacesTheOldOneOnlyWhenComplete(PostgresDatabase db) throws Exception {
		this.api.publish(doc("big", 1, "old one", "old two"));
		this.api.awaitChunks(this.collection, 2);
		List<DocumentChunks.Chunk> all = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			all.add(new DocumentChunks.Chunk(i, "new part text " + i, i * 20, i * 20 + 15, Map.of("i", i),
					new float[] { 1, i, 0, 0 }));
		}
		// parts arrive out of order and one twice; until the last one arrives, search still sees the old version
		this.api.publish(part("big", 2, 2, all.subList(4, 5)));
		this.api.publish(part("big", 2, 0, all.subList(0, 2)));
		this.api.publish(part("big", 2, 0, all.subList(0, 2)));
		this.api.publish(doc("marker", 1, "marker"));
		this.api.awaitChunks(this.collection, 3);
		assertThat(texts(db, "big")).containsExactly("old one", "old two");
		this.api.publish(part("big", 2, 1, all.subList(2, 4)));
		this.api.awaitChunks(this.collection, 6);
		assertThat(texts(db, "big")).containsExactly("new part text 0", "new part text 1", "new part text 2",
				"new part text 3", "new part text 4");
		try (var c = db.connect(); var s = c.createStatement();
				var rs = s.executeQuery("SELECT count(*) FROM retrieval.pending_chunks")) {
			rs.next();
			assertThat(rs.getInt(1)).as("staged parts are cleaned up").isZero();
		}
		JsonNode chunk = this.api.get("/v1/collections/" + this.collection + "/documents/big/chunks/3").getBody();
		assertThat(chunk.path("text").asString()).isEqualTo("new part text 3");
		assertThat(chunk.path("startOffset").asInt()).isEqualTo(60);
		assertThat(chunk.path("metadata").path("i").asInt()).isEqualTo(3);
	}

	@Test
	void searchesDuringReplacementsNeverSeeTwoVersionsMixed() throws Exception {
		int versions = 25;
		for (int v = 1; v <= versions; v++) {
			List<String> texts = new ArrayList<>();
			for (int i = 0; i < 8 + (v % 3); i++) { // versions differ in chunk count too
				texts.add("v" + v + " chunk " + i);
			}
			this.api.publish(doc("mixed", v, texts.toArray(String[]::new)));
		}
		java.util.Set<Long> seen = new java.util.TreeSet<>();
		List<String> problems = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode response = this.api.post("/v1/search/vector", Map.of("collection", this.collection, "vector",
					new float[] { 1, 0, 0, 0 }, "topK", 50, "exact", true, "filter", Map.of())).getBody();
			java.util.Set<Long> versionsInResponse = new java.util.TreeSet<>();
			response.path("results").forEach((r) -> versionsInResponse.add(r.path("version").asLong()));
			if (versionsInResponse.size() > 1) {
				problems.add(versionsInResponse.toString());
			}
			seen.addAll(versionsInResponse);
			if (versionsInResponse.contains((long) versions)) {
				break;
			}
		}
		assertThat(problems).as("responses with chunks of several versions").isEmpty();
		assertThat(seen).contains((long) versions);
		assertThat(this.api.get("/v1/collections/" + this.collection).getBody().path("chunks").asLong())
			.isEqualTo(8 + (versions % 3));
	}

	@Test
	void deleteEventsRemoveTheChunksAndOlderVersionsDoNotComeBack(PostgresDatabase db) throws Exception {
		this.api.publish(doc("gone", 3, "to be deleted"));
		this.api.awaitChunks(this.collection, 1);
		this.api.publish(new DocumentDeleted(this.collection, "gone", 3));
		this.api.publish(doc("gone", 2, "an older version arriving after the delete"));
		this.api.publish(doc("after", 1, "after"));
		this.api.awaitChunks(this.collection, 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> rows(db, "after") == 1);
		assertThat(rows(db, "gone")).isZero();
		assertThat(this.api.get("/v1/collections/" + this.collection + "/documents/gone").getBody()
			.path("deleted").asBoolean()).isTrue();
		// a newer version after the delete is indexed again
		this.api.publish(doc("gone", 4, "back again"));
		this.api.awaitChunks(this.collection, 2);
		// and the REST delete removes it
		assertThat(this.api.delete("/v1/collections/" + this.collection + "/documents/gone").getStatusCode().value())
			.isEqualTo(204);
		assertThat(rows(db, "gone")).isZero();
		assertThat(this.api.delete("/v1/collections/" + this.collection + "/documents/gone").getStatusCode().value())
			.isEqualTo(404);
	}

	@Test
	void poisonRecordsGoToTheDeadLetterTopicWithTheReason(KafkaBroker broker) throws Exception {
		// NaN until the meter has reached the broker once
		double deadLettersBefore = await().atMost(Duration.ofSeconds(30))
			.until(this::deadLetterRecords, (n) -> !Double.isNaN(n));
		String wrongDims = "wrong-dims-" + UUID.randomUUID();
		DocumentChunks bad = new DocumentChunks(this.collection, wrongDims, 1, 0, 1, 1, MODEL, null, null,
				List.of(new DocumentChunks.Chunk(0, "text", 0, 4, null, new float[] { 1, 2, 3 })));
		this.api.publish(bad);
		String garbageKey = "garbage-" + UUID.randomUUID();
		this.kafka.send(Topics.CHUNKS, garbageKey, "{not json").get();
		String unknownKey = "unknown-" + UUID.randomUUID();
		this.kafka.send(Topics.CHUNKS, unknownKey, RetrievalApi.JSON.writeValueAsString(
				doc("x", 1, "text").withCollection("no-such-collection"))).get();

		Map<String, String> reasons = deadLetters(broker, 3, List.of(bad.key(), garbageKey, unknownKey));
		assertThat(reasons.get(bad.key())).contains("vector of 3 dimensions").contains("has 4");
		assertThat(reasons.get(garbageKey)).contains("not a chunk event");
		assertThat(reasons.get(unknownKey)).contains("unknown collection 'no-such-collection'");
		// the topic's records are counted from the broker (the meter rereads it at most every 15 s)
		await().atMost(Duration.ofSeconds(60)).until(() -> deadLetterRecords() >= deadLettersBefore + 3);
		// the good records behind them are still indexed
		this.api.publish(doc("fine", 1, "still fine"));
		this.api.awaitChunks(this.collection, 1);
	}

	@Test
	void indexingAndDeletionAreAnnouncedOnTheStatusTopicAtLeastOnce(KafkaBroker broker) throws Exception {
		String key = this.collection + "/announced";
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "status-reader-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of(Topics.DOCUMENT_STATUS));
			List<JsonNode> events = new ArrayList<>();
			DocumentChunks v1 = doc("announced", 1, "one", "two");
			this.api.publish(v1);
			this.api.publish(v1); // a redelivery is announced again, so a lost announcement is repaired
			this.api.publish(new DocumentDeleted(this.collection, "announced", 1));
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					if (key.equals(record.key())) {
						events.add(RetrievalApi.JSON.readTree(record.value()));
					}
				}
				return events.size() >= 3;
			});
			assertThat(events).extracting((e) -> e.path("status").asString())
				.containsExactly("INDEXED", "INDEXED", "DELETED");
			assertThat(events.get(0).path("chunks").asInt()).isEqualTo(2);
			assertThat(events.get(0).path("version").asLong()).isEqualTo(1);
			assertThat(events.get(0).path("source").asString()).isEqualTo("retrieval-service");
		}
	}

	private Map<String, String> deadLetters(KafkaBroker broker, int expected, List<String> keys) {
		Map<String, String> reasons = new java.util.HashMap<>();
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of(Topics.deadLetter(Topics.CHUNKS)));
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					if (keys.contains(record.key())) {
						var header = record.headers().lastHeader("kafka_dlt-exception-message");
						reasons.put(record.key(),
								(header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "");
					}
				}
				return reasons.size() == expected;
			});
		}
		return reasons;
	}

	private double deadLetterRecords() {
		return this.meters.get("rag.kafka.dead.letter.records").tag("topic", Topics.deadLetter(Topics.CHUNKS)).gauge().value();
	}

	/** Events that changed nothing: stale versions and duplicates of the indexed one. */
	private double stale() {
		double count = 0;
		for (String outcome : List.of("stale", "duplicate")) {
			var counter = this.meters.find("rag.retrieval.indexer.events").tag("outcome", outcome).counter();
			count += (counter != null) ? counter.count() : 0;
		}
		return count;
	}

	private DocumentChunks doc(String id, long version, String... texts) {
		List<float[]> vectors = new ArrayList<>();
		for (int i = 0; i < texts.length; i++) {
			vectors.add(new float[] { 1, (float) version, i, 0 });
		}
		return RetrievalApi.document(this.collection, id, version, List.of(texts), vectors, null, MODEL);
	}

	private DocumentChunks part(String id, long version, int part, List<DocumentChunks.Chunk> chunks) {
		return new DocumentChunks(this.collection, id, version, part, 3, 5, MODEL, "Big", "ext-big", chunks);
	}

	private int rows(PostgresDatabase db, String documentId) throws Exception {
		return texts(db, documentId).size();
	}

	private List<String> texts(PostgresDatabase db, String documentId) throws Exception {
		List<String> texts = new ArrayList<>();
		try (var c = db.connect(); var s = c.prepareStatement("SELECT ch.text FROM retrieval.chunks ch "
				+ "JOIN retrieval.collections co ON co.id = ch.collection_id WHERE co.name = ? AND ch.document_id = ? "
				+ "ORDER BY ch.chunk_index")) {
			s.setString(1, this.collection);
			s.setString(2, documentId);
			try (var rs = s.executeQuery()) {
				while (rs.next()) {
					texts.add(rs.getString(1));
				}
			}
		}
		return texts;
	}

}
