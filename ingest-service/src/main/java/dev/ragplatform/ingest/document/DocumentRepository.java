package dev.ragplatform.ingest.document;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.runtime.problem.ServiceProblem;
import dev.ragplatform.runtime.tracing.TraceIds;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code ingest} schema: documents, their current version's content and text, and status changes that only
 * ever move a version forward (a late {@code EMBEDDED} cannot undo {@code INDEXED}).
 */
@Repository
public class DocumentRepository {

	private static final String COLUMNS = "id, collection, external_id, version, status, failed_stage, failure_reason, "
			+ "title, file_name, media_type, size_bytes, metadata::text AS metadata, source, chunk_count, "
			+ "chunks_embedded, attempts, created_at, updated_at, indexed_at, trace_id";

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final ObjectProvider<Tracer> tracer;

	DocumentRepository(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json,
			ObjectProvider<Tracer> tracer) {
		this.tracer = tracer;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.json = json;
	}

	/**
	 * Records a submission: a new document (version 1), a new version of a known one, or nothing when title,
	 * metadata and content are those of the current version (then {@code unchanged}); a failed version sent again
	 * unchanged is retried.
	 */
	public Registration register(Submission s) {
		byte[] hash = hash(s);
		String metadata = this.json.writeValueAsString((s.metadata() != null) ? s.metadata() : Map.of());
		return this.transactions.execute((tx) -> {
			if (s.idempotencyKey() != null) {
				Registration replayed = claim(s, hash);
				if (replayed != null) {
					return replayed;
				}
			}
			Registration registration = store(s, hash, metadata);
			if (s.idempotencyKey() != null) {
				this.jdbc.sql("UPDATE ingest.idempotency_keys SET document_id = ? WHERE collection = ? AND key = ?")
					.params(registration.document().id(), s.collection(), s.idempotencyKey())
					.update();
			}
			return registration;
		});
	}

	/**
	 * Takes the submission's Idempotency-Key. A concurrent request with the same key waits here for the first one's
	 * transaction and then finds its row.
	 *
	 * @return the first request's registration (unchanged) when the key was used before for the same request, null
	 * when the key is new
	 * @throws ServiceProblem 422 when the key was used for a different request
	 */
	private Registration claim(Submission s, byte[] hash) {
		byte[] request = requestHash(s, hash);
		int taken = this.jdbc.sql("INSERT INTO ingest.idempotency_keys (collection, key, request_hash) VALUES (?, ?, ?) "
				+ "ON CONFLICT (collection, key) DO NOTHING")
			.params(s.collection(), s.idempotencyKey(), request)
			.update();
		if (taken == 1) {
			return null;
		}
		Map.Entry<byte[], UUID> first = this.jdbc.sql("SELECT request_hash, document_id FROM ingest.idempotency_keys "
				+ "WHERE collection = ? AND key = ?")
			.params(s.collection(), s.idempotencyKey())
			.query((rs, n) -> Map.entry(rs.getBytes(1), rs.getObject(2, UUID.class)))
			.single();
		if (!Arrays.equals(first.getKey(), request) || first.getValue() == null) {
			throw ServiceProblem.unprocessable("Invalid request", "Idempotency-Key '" + s.idempotencyKey() + "' was used for a different "
					+ "request in collection '" + s.collection() + "'; use a new key for a new request.");
		}
		return new Registration(find(first.getValue()).orElseThrow(), true);
	}

	private Registration store(Submission s, byte[] hash, String metadata) {
		UUID id = UUID.randomUUID();
		String externalId = (s.externalId() != null) ? s.externalId() : id.toString();
		int inserted = this.jdbc.sql("""
				INSERT INTO ingest.documents (id, collection, external_id, version, status, title, file_name,
				    media_type, size_bytes, content_hash, metadata, source, collection_generation, queued_at,
				    content_sha256, trace_id)
				VALUES (?, ?, ?, 1, 'RECEIVED', ?, ?, ?, ?, ?, ?::jsonb, ?, ?, CASE WHEN ? THEN now() END, ?, ?)
				ON CONFLICT (collection, external_id) DO NOTHING""")
			.params(id, s.collection(), externalId, s.title(), s.fileName(), s.mediaType(), s.content().length,
					hash, metadata, s.source(), s.collectionGeneration(), fromKafka(s), sha256(s.content()), traceId())
			.update();
		if (inserted == 1) {
			storeContent(id, 1, s.content());
			return new Registration(find(id).orElseThrow(), false);
		}
		Map.Entry<UUID, byte[]> locked = this.jdbc.sql("SELECT id, content_hash FROM ingest.documents "
				+ "WHERE collection = ? AND external_id = ? FOR UPDATE")
			.params(s.collection(), externalId)
			.query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getBytes(2)))
			.single();
		Document current = find(locked.getKey()).orElseThrow();
		byte[] currentHash = locked.getValue();
		boolean same = Arrays.equals(hash, currentHash);
		if (same && current.status() != DocumentStatus.FAILED && current.status() != DocumentStatus.DELETED) {
			return new Registration(current, true);
		}
		long version = same && current.status() == DocumentStatus.FAILED ? current.version() : current.version() + 1;
		this.jdbc.sql("""
				UPDATE ingest.documents SET version = ?, status = 'RECEIVED', failed_stage = NULL,
				    failure_reason = NULL, title = ?, file_name = ?, media_type = ?, size_bytes = ?, content_hash = ?,
				    metadata = ?::jsonb, source = ?, chunk_count = NULL, chunks_embedded = 0,
				    attempts = CASE WHEN version = ? THEN attempts + 1 ELSE 1 END, updated_at = now(),
				    indexed_at = NULL, collection_generation = ?, queued_at = CASE WHEN ? THEN now() END,
				    content_sha256 = ?, trace_id = ?
				WHERE id = ?""")
			.params(version, s.title(), s.fileName(), s.mediaType(), s.content().length, hash, metadata, s.source(),
					version, s.collectionGeneration(), fromKafka(s), sha256(s.content()), traceId(), current.id())
			.update();
		this.jdbc.sql("DELETE FROM ingest.contents WHERE document_id = ?").param(current.id()).update();
		storeContent(current.id(), version, s.content());
		return new Registration(find(current.id()).orElseThrow(), false);
	}

	/** The trace of the request or record submitting a version (sampled or not), or null without a tracer. */
	private String traceId() {
		Tracer tracer = this.tracer.getIfAvailable();
		TraceContext trace = TraceIds.of((tracer != null) ? tracer.currentSpan() : null);
		return (trace != null) ? trace.traceId() : null;
	}

	/** A record from Kafka is on the topic already; a REST submission is queued after its commit. */
	private static boolean fromKafka(Submission s) {
		return "kafka".equals(s.source());
	}

	private byte[] requestHash(Submission s, byte[] hash) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(hash);
			sha.update((byte) 0);
			sha.update(String.valueOf(s.externalId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			sha.update((byte) 0);
			sha.update(String.valueOf(s.fileName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return sha.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The version's record was taken by Kafka. */
	public void queued(UUID id, long version) {
		this.jdbc.sql("UPDATE ingest.documents SET queued_at = now() WHERE id = ? AND version = ? AND queued_at IS NULL")
			.params(id, version)
			.update();
	}

	/**
	 * Sends the REST versions whose record Kafka never took (the process died between commit and send, or the broker
	 * was down) and that have waited longer than {@code after}: each row is locked while it is sent, so two replicas
	 * never send the same one, and marked queued in the same transaction.
	 *
	 * @return how many were sent
	 */
	public int requeue(java.time.Duration after, int limit, java.util.function.Consumer<Document> send) {
		Integer sent = this.transactions.execute((tx) -> {
			List<Document> waiting = this.jdbc.sql("SELECT " + COLUMNS + " FROM ingest.documents WHERE status = 'RECEIVED' "
					+ "AND queued_at IS NULL AND updated_at < now() - ? * interval '1 millisecond' ORDER BY updated_at "
					+ "LIMIT ? FOR UPDATE SKIP LOCKED")
				.params(after.toMillis(), limit)
				.query(this::map)
				.list();
			for (Document document : waiting) {
				send.accept(document);
				queued(document.id(), document.version());
			}
			return waiting.size();
		});
		return (sent != null) ? sent : 0;
	}

	/** Documents of the collection on their way (received, parsed or chunked): its share of the queue. */
	public long inProgress(String collection) {
		return this.jdbc.sql("SELECT count(*) FROM ingest.documents WHERE collection = ? "
				+ "AND status IN ('RECEIVED', 'PARSED', 'CHUNKED')")
			.param(collection)
			.query(Long.class)
			.single();
	}

	/** REST versions not taken by Kafka yet. */
	public long waitingToBeQueued() {
		return this.jdbc.sql("SELECT count(*) FROM ingest.documents WHERE status = 'RECEIVED' AND queued_at IS NULL")
			.query(Long.class)
			.single();
	}

	/** Forgets Idempotency-Keys older than {@code age}. */
	public int forgetIdempotencyKeys(java.time.Duration age) {
		return this.jdbc.sql("DELETE FROM ingest.idempotency_keys WHERE created_at < now() - ? * interval '1 millisecond'")
			.param(age.toMillis())
			.update();
	}

	private void storeContent(UUID id, long version, byte[] content) {
		this.jdbc.sql("INSERT INTO ingest.contents (document_id, version, content) VALUES (?, ?, ?)")
			.params(id, version, content)
			.update();
	}

	public Optional<Document> find(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM ingest.documents WHERE id = ?").param(id).query(this::map)
			.optional();
	}

	/** A page of the collection's documents, newest first: those of {@code status}, or when null all but deleted ones. */
	public List<Document> list(String collection, DocumentStatus status, int page, int size) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM ingest.documents WHERE collection = ? "
				+ "AND (?::text IS NULL AND status <> 'DELETED' OR status = ?) ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
			.params(collection, name(status), name(status), size, (long) page * size)
			.query(this::map)
			.list();
	}

	public long count(String collection, DocumentStatus status) {
		return this.jdbc.sql("SELECT count(*) FROM ingest.documents WHERE collection = ? "
				+ "AND (?::text IS NULL AND status <> 'DELETED' OR status = ?)")
			.params(collection, name(status), name(status))
			.query(Long.class)
			.single();
	}

	/** Documents per status in a collection. */
	public Map<String, Long> countByStatus(String collection) {
		Map<String, Long> counts = new TreeMap<>();
		this.jdbc.sql("SELECT status, count(*) FROM ingest.documents WHERE collection = ? GROUP BY status")
			.param(collection)
			.query((rs) -> {
				counts.put(rs.getString(1), rs.getLong(2));
			});
		return counts;
	}

	public Optional<byte[]> content(UUID id, long version) {
		return this.jdbc.sql("SELECT content FROM ingest.contents WHERE document_id = ? AND version = ?")
			.params(id, version)
			.query(byte[].class)
			.optional();
	}

	public Optional<String> text(UUID id, long version) {
		return this.jdbc.sql("SELECT text FROM ingest.contents WHERE document_id = ? AND version = ? AND text IS NOT NULL")
			.params(id, version)
			.query(String.class)
			.optional();
	}

	/** Stores the parsed text and a title found in the file (when none was given) and moves the version to PARSED. */
	public boolean parsed(UUID id, long version, String text, String title) {
		return this.transactions.execute((tx) -> {
			// the documents row first, in the same order as register(): no deadlock between them
			this.jdbc.sql("SELECT id FROM ingest.documents WHERE id = ? FOR UPDATE").param(id).query(UUID.class).optional();
			this.jdbc.sql("UPDATE ingest.contents SET text = ? WHERE document_id = ? AND version = ?")
				.params(text, id, version)
				.update();
			this.jdbc.sql("UPDATE ingest.documents SET title = coalesce(title, ?) WHERE id = ? AND version = ?")
				.params(title, id, version)
				.update();
			return advance(id, version, DocumentStatus.PARSED, null);
		});
	}

	/**
	 * Moves the version forward to {@code status} (never back), recording the chunk count when given.
	 *
	 * @return whether it moved (false: superseded, deleted, failed or further already)
	 */
	public boolean advance(UUID id, long version, DocumentStatus status, Integer chunks) {
		List<String> earlier = Arrays.stream(DocumentStatus.values())
			.filter((s) -> s.ordinal() < status.ordinal() && !s.isFinal())
			.map(Enum::name)
			.toList();
		return this.jdbc.sql("UPDATE ingest.documents SET status = ?, updated_at = now(), "
				+ "chunk_count = coalesce(?, chunk_count), "
				+ "chunks_embedded = CASE WHEN ? IN ('EMBEDDED', 'INDEXED') THEN coalesce(?, chunk_count, 0) "
				+ "ELSE chunks_embedded END, "
				+ "indexed_at = CASE WHEN ? = 'INDEXED' THEN now() ELSE indexed_at END "
				+ "WHERE id = ? AND version = ? AND status = ANY (?)")
			.params(status.name(), chunks, status.name(), chunks, status.name(), id, version,
					earlier.toArray(String[]::new))
			.update() == 1;
	}

	/** Marks the version failed at {@code stage} while it is in progress (never after EMBEDDED, INDEXED, DELETED). */
	public boolean fail(UUID id, long version, String stage, String reason) {
		return this.jdbc.sql("UPDATE ingest.documents SET status = 'FAILED', failed_stage = ?, failure_reason = ?, "
				+ "updated_at = now() WHERE id = ? AND version = ? AND status IN ('RECEIVED', 'PARSED', 'CHUNKED')")
			.params(stage, reason, id, version)
			.update() == 1;
	}

	/**
	 * Marks the version failed because retrieval-service could not index what was published (a chunk record it
	 * dead-lettered): from any stage before INDEXED, so that a multi-part version missing a part does not stay
	 * EMBEDDED forever.
	 */
	public boolean failIndexing(UUID id, long version, String reason) {
		return this.jdbc.sql("UPDATE ingest.documents SET status = 'FAILED', failed_stage = 'index', failure_reason = ?, "
				+ "updated_at = now() WHERE id = ? AND version = ? AND status IN ('RECEIVED', 'PARSED', 'CHUNKED', "
				+ "'EMBEDDED')")
			.params(reason, id, version)
			.update() == 1;
	}

	/** A failed version goes back to {@code RECEIVED} for another attempt. */
	public boolean retry(UUID id) {
		return this.jdbc.sql("UPDATE ingest.documents SET status = 'RECEIVED', failed_stage = NULL, "
				+ "failure_reason = NULL, attempts = attempts + 1, chunk_count = NULL, chunks_embedded = 0, "
				+ "updated_at = now(), queued_at = NULL WHERE id = ? AND status = 'FAILED'")
			.param(id)
			.update() == 1;
	}

	/** Marks the document deleted up to {@code version} and erases its stored content and text. */
	public boolean deleted(UUID id, long version) {
		return Boolean.TRUE.equals(this.transactions.execute((tx) -> {
			boolean changed = this.jdbc.sql("UPDATE ingest.documents SET status = 'DELETED', updated_at = now() "
					+ "WHERE id = ? AND version <= ? AND status <> 'DELETED'")
				.params(id, version)
				.update() == 1;
			this.jdbc.sql("DELETE FROM ingest.contents c USING ingest.documents d WHERE c.document_id = d.id "
					+ "AND d.id = ? AND d.status = 'DELETED'")
				.param(id)
				.update();
			return changed;
		}));
	}

	/**
	 * Ends the documents of a deleted collection: those sent to generation {@code generation} or before (or to an
	 * unknown one) become DELETED and lose their content and text; those of a collection created again under the
	 * same name stay.
	 *
	 * @return how many were marked
	 */
	public int collectionDeleted(String collection, long generation) {
		Integer marked = this.transactions.execute((tx) -> {
			List<UUID> ids = this.jdbc.sql("""
					UPDATE ingest.documents SET status = 'DELETED', updated_at = now()
					WHERE collection = ? AND (collection_generation IS NULL OR collection_generation <= ?)
					  AND status <> 'DELETED'
					RETURNING id""")
				.params(collection, generation)
				.query(UUID.class)
				.list();
			this.jdbc.sql("""
					DELETE FROM ingest.contents c USING ingest.documents d
					WHERE c.document_id = d.id AND d.collection = ? AND d.status = 'DELETED'
					  AND (d.collection_generation IS NULL OR d.collection_generation <= ?)""")
				.params(collection, generation)
				.update();
			return ids.size();
		});
		return (marked != null) ? marked : 0;
	}

	public boolean isCurrent(UUID id, long version) {
		return this.jdbc.sql("SELECT count(*) FROM ingest.documents WHERE id = ? AND version = ? "
				+ "AND status NOT IN ('DELETED', 'FAILED')")
			.params(id, version)
			.query(Integer.class)
			.single() == 1;
	}

	private static String name(DocumentStatus status) {
		return (status != null) ? status.name() : null;
	}

	/** SHA-256 of the content alone. */
	public static byte[] sha256(byte[] content) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(content);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The documents of the collection, not deleted, whose current version has exactly this content, but for the one
	 * known by {@code externalId} (sending it again makes a new version of it, not a duplicate).
	 */
	public List<Document> sameContent(String collection, byte[] sha256, String externalId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM ingest.documents WHERE collection = ? AND content_sha256 = ? "
				+ "AND status <> 'DELETED' AND (?::text IS NULL OR external_id <> ?) ORDER BY created_at LIMIT 5")
			.params(collection, sha256, externalId, externalId)
			.query(this::map)
			.list();
	}

	/** Whether an Idempotency-Key was used in the collection already (a client's retry of a request). */
	public boolean idempotencyKeyUsed(String collection, String key) {
		return this.jdbc.sql("SELECT count(*) FROM ingest.idempotency_keys WHERE collection = ? AND key = ?")
			.params(collection, key)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * The statuses a document went through, oldest first (written by the database: V7's trigger): the newest 500,
	 * so that a document retried or replaced many times still shows where it is now.
	 */
	public List<HistoryEntry> history(UUID id) {
		List<HistoryEntry> newest = this.jdbc.sql("SELECT version, status, failed_stage, failure_reason, attempts, at "
				+ "FROM ingest.document_history WHERE document_id = ? ORDER BY at DESC, version DESC LIMIT 500")
			.param(id)
			.query((rs, n) -> new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getInt(5), rs.getObject(6, OffsetDateTime.class)))
			.list();
		return newest.reversed();
	}

	/**
	 * Where each of these waiting (RECEIVED) documents is in the queue: how many documents of any collection have
	 * waited longer. The pipeline takes them in about that order (three partitions and two lanes blur it).
	 */
	public Map<UUID, Long> waitingAhead(List<UUID> waiting) {
		Map<UUID, Long> ahead = new java.util.HashMap<>();
		if (waiting.isEmpty()) {
			return ahead;
		}
		// one pass over the waiting documents' index, whatever the page holds
		this.jdbc.sql("SELECT id, place FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) - 1 AS place "
				+ "FROM ingest.documents WHERE status = 'RECEIVED') queue WHERE id = ANY (?)")
			.param(waiting.toArray(UUID[]::new))
			.query((rs) -> {
				ahead.put(rs.getObject(1, UUID.class), rs.getLong(2));
			});
		return ahead;
	}

	/** Documents parsed per second over the last five minutes, in every collection: how fast the queue moves. */
	public double parsedPerSecond() {
		Long parsed = this.jdbc.sql("SELECT count(*) FROM ingest.document_history WHERE status = 'PARSED' "
				+ "AND at > now() - interval '5 minutes'")
			.query(Long.class)
			.single();
		return parsed / 300.0;
	}

	private byte[] hash(Submission s) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(s.content());
			sha.update((byte) 0);
			sha.update(String.valueOf(s.title()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			sha.update((byte) 0);
			sha.update(this.json.writeValueAsBytes(canonical(s.metadata())));
			return sha.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Maps sorted by key at every level, so equal metadata hashes equally whatever its key order. */
	@SuppressWarnings("unchecked")
	private static Object canonical(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
			return sorted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(DocumentRepository::canonical).toList();
		}
		return (value != null) ? value : Map.of();
	}

	private Document map(ResultSet rs, int row) throws SQLException {
		return new Document(rs.getObject("id", UUID.class), rs.getString("collection"), rs.getString("external_id"),
				rs.getLong("version"), DocumentStatus.valueOf(rs.getString("status")), rs.getString("failed_stage"),
				rs.getString("failure_reason"), rs.getString("title"), rs.getString("file_name"),
				rs.getString("media_type"), rs.getLong("size_bytes"), this.json.readValue(rs.getString("metadata"), MAP),
				rs.getString("source"), (Integer) rs.getObject("chunk_count"), rs.getInt("chunks_embedded"),
				rs.getInt("attempts"), rs.getObject("created_at", OffsetDateTime.class),
				rs.getObject("updated_at", OffsetDateTime.class), rs.getObject("indexed_at", OffsetDateTime.class),
				rs.getString("trace_id"));
	}

	/**
	 * @param document the document after registration
	 * @param unchanged whether the submission repeated the current version (nothing was done)
	 */
	public record Registration(Document document, boolean unchanged) {
	}

	/** One status a document's version reached, with the stage and reason of a failure. */
	public record HistoryEntry(long version, String status, String failedStage, String failureReason, int attempts,
			OffsetDateTime at) {
	}

}
