package dev.ragplatform.ingest.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.runtime.problem.ServiceProblem;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Service;

/**
 * The dead-letter topics read from the broker, newest first, and a replay that sends one record back to the topic
 * it came from, once: the replay is claimed in {@code ingest.dead_letter_replays} before the send and marked sent
 * after it, so a second replay of the same record (from any replica) answers that it was done and sends nothing.
 * The consumers downstream are idempotent as well: a document record sent again is a retry of a failed version, or
 * nothing when the version is already indexed.
 */
@Service
class DeadLetters {

	/** The platform's dead-letter topics: ingest-service's two lanes and retrieval-service's chunks. */
	static final List<String> TOPICS = List.of(Topics.deadLetter(Topics.DOCUMENTS),
			Topics.deadLetter(Topics.DOCUMENTS_INTERACTIVE), Topics.deadLetter(Topics.CHUNKS));

	static final String REPLAYED_FROM = "rag-replayed-from";

	/** The headers the dead-letter recoverer adds ({@code kafka_dlt-…}): not sent back with the record. */
	private static final String DLT_HEADERS = KafkaHeaders.PREFIX + "dlt-";

	private static final Duration READ_FOR = Duration.ofSeconds(5);

	private static final Duration SEND_FOR = Duration.ofSeconds(10);

	/** How long a claimed replay may go without being marked sent before it can be taken again. */
	static final Duration STALE = Duration.ofMinutes(2);

	private final Map<String, Object> kafka;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final DocumentRepository documents;

	private final KafkaOperations<Object, Object> producer;

	DeadLetters(KafkaAdmin admin, JdbcClient jdbc, JsonMapper json, DocumentRepository documents,
			KafkaOperations<Object, Object> producer) {
		this.kafka = Map.copyOf(admin.getConfigurationProperties());
		this.jdbc = jdbc;
		this.json = json;
		this.documents = documents;
		this.producer = producer;
	}

	/** The newest {@code limit} records of the topic (of every dead-letter topic when null), newest first. */
	List<DeadLetter> list(String topic, int limit) {
		List<String> topics = (topic == null || topic.isBlank()) ? TOPICS : List.of(known(topic));
		List<DeadLetter> letters = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(limit)) {
			for (String t : topics) {
				letters.addAll(newest(consumer, t, limit));
			}
		}
		catch (org.apache.kafka.common.KafkaException ex) {
			throw ServiceProblem.dependencyUnavailable("Kafka did not give the dead letters: " + ex.getMessage());
		}
		Map<String, OffsetDateTime> replayed = replayed(topics);
		return letters.stream()
			.sorted(Comparator.comparing(DeadLetter::timestamp).reversed())
			.limit(limit)
			.map((d) -> d.replayedAt(replayed.get(d.id())))
			.toList();
	}

	/**
	 * Sends the record at {@code topic/partition/offset} back to its original topic, unless it was replayed before.
	 * The record is read first; then claimed (a row committed before the send, so that a second replay, from any
	 * replica, waits for this one's outcome); a failed REST document it names is set going again; then it is sent
	 * and the claim marked sent. A send Kafka refused gives the claim back; one whose outcome is unknown (no answer
	 * in time) keeps it, and after {@link #STALE} it can be taken again: the consumers are idempotent, so a record
	 * that did arrive is not processed twice.
	 *
	 * @return the replay: {@code replayed} false when an earlier replay had sent it
	 */
	Replay replay(String topic, int partition, long offset) {
		known(topic);
		ConsumerRecord<byte[], byte[]> record = read(topic, partition, offset);
		boolean claimed = !this.jdbc.sql("""
				INSERT INTO ingest.dead_letter_replays (topic, partition, record_offset) VALUES (?, ?, ?)
				ON CONFLICT (topic, partition, record_offset) DO UPDATE SET claimed_at = now()
				WHERE dead_letter_replays.replayed_at IS NULL
				  AND dead_letter_replays.claimed_at < now() - ? * interval '1 second'
				RETURNING 1""")
			.params(topic, partition, offset, STALE.toSeconds())
			.query(Integer.class)
			.list()
			.isEmpty();
		if (!claimed) {
			Claim claim = this.jdbc.sql("SELECT claimed_at, replayed_at FROM ingest.dead_letter_replays "
					+ "WHERE topic = ? AND partition = ? AND record_offset = ?")
				.params(topic, partition, offset)
				.query((rs, n) -> new Claim(rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class)))
				.single();
			if (claim.replayedAt() != null) {
				return new Replay(topic, partition, offset, null, false, claim.replayedAt());
			}
			throw ServiceProblem.conflict("A replay of " + topic + "/" + partition + "/" + offset + " started at "
					+ claim.claimedAt() + " has not finished; if it does not within " + STALE.toMinutes()
					+ " minutes, it can be asked for again.");
		}
		String to = originalTopic(record);
		UUID retried = retryFailedVersion(record);
		RecordHeaders headers = new RecordHeaders();
		for (Header h : record.headers()) {
			if (!h.key().startsWith(DLT_HEADERS)) {
				headers.add(h);
			}
		}
		headers.add(REPLAYED_FROM, (topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
		String key = (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : null;
		try {
			// the service's own producer (byte[] values go out as they are, as the dead-letter recoverer sent them)
			this.producer.send(new ProducerRecord<>(to, null, key, record.value(), headers))
				.get(SEND_FOR.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException | java.util.concurrent.TimeoutException ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw ServiceProblem.dependencyUnavailable("Kafka did not answer in time for " + to + "; the record may "
					+ "have been sent. Ask again after " + STALE.toMinutes() + " minutes if the document does not move.");
		}
		catch (java.util.concurrent.ExecutionException | RuntimeException ex) {
			// refused (KafkaTemplate throws at once when the broker cannot be reached): not sent, so the claim is given back (a document set going again is sent by the requeuer)
			this.jdbc.sql("DELETE FROM ingest.dead_letter_replays WHERE topic = ? AND partition = ? AND record_offset = ? "
					+ "AND replayed_at IS NULL")
				.params(topic, partition, offset)
				.update();
			throw ServiceProblem.dependencyUnavailable("Kafka did not take the record for " + to + " ("
					+ ((ex.getCause() != null) ? ex.getCause() : ex) + "); the replay can be asked for again");
		}
		OffsetDateTime sent = this.jdbc.sql("UPDATE ingest.dead_letter_replays SET replayed_at = now() "
				+ "WHERE topic = ? AND partition = ? AND record_offset = ? RETURNING replayed_at")
			.params(topic, partition, offset)
			.query(OffsetDateTime.class)
			.single();
		if (retried != null) {
			this.documents.find(retried).ifPresent((d) -> this.documents.queued(d.id(), d.version()));
		}
		return new Replay(topic, partition, offset, to, true, sent);
	}

	/**
	 * A REST document's record names its stored version, which the pipeline skips once FAILED: when that version is
	 * still the current one and failed, it is set going again (as Retry does), so that the record sent back is
	 * processed. A record from another system registers itself again and needs nothing.
	 *
	 * @return the document set going again, or null
	 */
	private UUID retryFailedVersion(ConsumerRecord<byte[], byte[]> record) {
		String to = originalTopic(record);
		if (!to.equals(Topics.DOCUMENTS) && !to.equals(Topics.DOCUMENTS_INTERACTIVE) || record.value() == null) {
			return null;
		}
		try {
			JsonNode value = this.json.readTree(record.value());
			String documentId = text(value, "documentId");
			if (documentId == null) {
				return null;
			}
			UUID id = UUID.fromString(documentId);
			long version = value.path("version").asLong(-1);
			boolean current = this.documents.find(id).map((d) -> d.version() == version).orElse(false);
			return (current && this.documents.retry(id)) ? id : null;
		}
		catch (RuntimeException ex) {
			return null; // not a document record of ours: sent back as it is, and dead-lettered again with its reason
		}
	}

	private static String known(String topic) {
		if (!TOPICS.contains(topic)) {
			throw ServiceProblem.badRequest("topic must be one of " + TOPICS);
		}
		return topic;
	}

	private List<DeadLetter> newest(KafkaConsumer<byte[], byte[]> consumer, String topic, int limit) {
		List<TopicPartition> partitions;
		try {
			partitions = consumer.partitionsFor(topic, READ_FOR)
				.stream()
				.map((p) -> new TopicPartition(topic, p.partition()))
				.toList();
		}
		catch (org.apache.kafka.common.KafkaException ex) {
			throw ServiceProblem.dependencyUnavailable("Kafka did not describe " + topic + ": " + ex.getMessage());
		}
		if (partitions.isEmpty()) {
			return List.of(); // not created yet: no dead letters
		}
		consumer.assign(partitions);
		Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, READ_FOR);
		Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_FOR);
		for (TopicPartition tp : partitions) {
			consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - limit));
		}
		List<DeadLetter> letters = new ArrayList<>();
		long deadline = System.nanoTime() + READ_FOR.toNanos();
		while (partitions.stream().anyMatch((tp) -> consumer.position(tp) < end.get(tp))) {
			if (System.nanoTime() > deadline) {
				throw ServiceProblem.dependencyUnavailable("Kafka did not give the records of " + topic + " within "
						+ READ_FOR.toSeconds() + " s");
			}
			for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
				if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
					letters.add(summary(r));
				}
			}
		}
		consumer.unsubscribe();
		return letters;
	}

	private ConsumerRecord<byte[], byte[]> read(String topic, int partition, long offset) {
		try {
			return readOne(topic, partition, offset);
		}
		catch (org.apache.kafka.common.KafkaException ex) {
			throw ServiceProblem.dependencyUnavailable("Kafka did not give the record at " + topic + "/" + partition
					+ "/" + offset + ": " + ex.getMessage());
		}
	}

	private ConsumerRecord<byte[], byte[]> readOne(String topic, int partition, long offset) {
		TopicPartition tp = new TopicPartition(topic, partition);
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(1)) {
			if (consumer.partitionsFor(topic, READ_FOR).stream().noneMatch((p) -> p.partition() == partition)) {
				throw ServiceProblem.notFound("Topic " + topic + " has no partition " + partition + ".");
			}
			consumer.assign(List.of(tp));
			long begin = consumer.beginningOffsets(List.of(tp), READ_FOR).get(tp);
			long end = consumer.endOffsets(List.of(tp), READ_FOR).get(tp);
			if (offset < begin || offset >= end) {
				throw ServiceProblem.notFound("No record at " + topic + "/" + partition + "/" + offset
						+ " (the partition holds offsets " + begin + " to " + (end - 1) + ").");
			}
			consumer.seek(tp, offset);
			long deadline = System.nanoTime() + READ_FOR.toNanos();
			while (System.nanoTime() < deadline) {
				for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
					if (r.offset() == offset) {
						return r;
					}
				}
			}
			throw ServiceProblem.dependencyUnavailable("Kafka did not give the record at " + topic + "/" + partition
					+ "/" + offset + " within " + READ_FOR.toSeconds() + " s");
		}
	}

	/** What the record is, without its content: the reason it was dead-lettered and the document it names. */
	private DeadLetter summary(ConsumerRecord<byte[], byte[]> r) {
		JsonNode value = null;
		try {
			value = (r.value() != null) ? this.json.readTree(r.value()) : null;
		}
		catch (RuntimeException ex) {
			// not JSON: a poison record of its own kind; shown with its reason, nothing more
		}
		boolean object = value != null && value.isObject();
		return new DeadLetter(r.topic() + "/" + r.partition() + "/" + r.offset(), r.topic(), r.partition(), r.offset(),
				Instant.ofEpochMilli(r.timestamp()), (r.key() != null) ? new String(r.key(), StandardCharsets.UTF_8) : null,
				header(r, KafkaHeaders.DLT_EXCEPTION_MESSAGE), header(r, KafkaHeaders.DLT_EXCEPTION_FQCN), originalTopic(r),
				object ? text(value, "collection") : null, object ? text(value, "externalId") : null,
				object ? text(value, "documentId") : null, object ? text(value, "title") : null,
				object ? text(value, "fileName") : null, (r.value() != null) ? r.value().length : 0, null);
	}

	private static String text(JsonNode node, String field) {
		JsonNode v = node.get(field);
		return (v != null && v.isValueNode() && !v.isNull()) ? v.asString() : null;
	}

	private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
		Header h = r.headers().lastHeader(name);
		return (h != null && h.value() != null) ? new String(h.value(), StandardCharsets.UTF_8) : null;
	}

	private static String originalTopic(ConsumerRecord<byte[], byte[]> r) {
		String original = header(r, KafkaHeaders.DLT_ORIGINAL_TOPIC);
		if (original != null && !original.isBlank()) {
			return original;
		}
		return r.topic().substring(0, r.topic().length() - Topics.DEAD_LETTER_SUFFIX.length());
	}

	private Map<String, OffsetDateTime> replayed(List<String> topics) {
		Map<String, OffsetDateTime> at = new HashMap<>();
		this.jdbc.sql("SELECT topic, partition, record_offset, replayed_at FROM ingest.dead_letter_replays "
				+ "WHERE topic = ANY (?) AND replayed_at IS NOT NULL")
			.param(topics.toArray(String[]::new))
			.query((rs) -> {
				at.put(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getLong(3),
						rs.getObject(4, OffsetDateTime.class));
			});
		return at;
	}

	private KafkaConsumer<byte[], byte[]> consumer(int maxPoll) {
		Map<String, Object> config = new HashMap<>(this.kafka);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(maxPoll, 500)));
		config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_FOR.toMillis());
		config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READ_FOR.toMillis());
		return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	/**
	 * One dead letter, without its content.
	 *
	 * @param id {@code topic/partition/offset}
	 * @param reason why it was dead-lettered ({@link KafkaHeaders#DLT_EXCEPTION_MESSAGE})
	 * @param originalTopic where a replay sends it
	 * @param replayedAt when it was replayed, or null
	 */
	record DeadLetter(String id, String topic, int partition, long offset, Instant timestamp, String key,
			String reason, String exception, String originalTopic, String collection, String externalId,
			String documentId, String title, String fileName, int bytes, OffsetDateTime replayedAt) {

		DeadLetter replayedAt(OffsetDateTime at) {
			return new DeadLetter(this.id, this.topic, this.partition, this.offset, this.timestamp, this.key,
					this.reason, this.exception, this.originalTopic, this.collection, this.externalId, this.documentId,
					this.title, this.fileName, this.bytes, at);
		}

	}

	/** A replay's row: when it was claimed, and when Kafka took the record (null while it has not). */
	private record Claim(OffsetDateTime claimedAt, OffsetDateTime replayedAt) {
	}

	/** A replay: {@code replayed} false when an earlier one had sent the record (at {@code at}). */
	record Replay(String topic, int partition, long offset, String sentTo, boolean replayed, OffsetDateTime at) {
	}

}
