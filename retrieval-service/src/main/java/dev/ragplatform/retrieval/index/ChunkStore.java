package dev.ragplatform.retrieval.index;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.pgvector.PGvector;
import dev.ragplatform.contracts.chunk.ChunkEvent;
import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.chunk.DocumentDeleted;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionRepository;
import dev.ragplatform.retrieval.collection.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies chunk events to the store, idempotently: each event runs in one transaction under a per-document
 * advisory lock; versions decide, so duplicates and re-ordered deliveries change nothing, and a new version
 * replaces the old one in the same transaction (searches see one or the other, never a mix).
 */
@Component
public class ChunkStore {

	private static final Logger logger = LoggerFactory.getLogger(ChunkStore.class);

	static final int MAX_DOCUMENT_ID_LENGTH = 512;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final CollectionRepository collections;

	private final JsonMapper json;

	ChunkStore(JdbcTemplate jdbc, TransactionTemplate transactions, CollectionRepository collections,
			JsonMapper json) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.collections = collections;
		this.json = json;
	}

	/** What applying an event did. */
	public enum Outcome {

		/** The version is now the searchable one. */
		INDEXED,
		/** A part of a multi-part version was stored; the version is not complete yet. */
		PENDING,
		/** The document's chunks were removed. */
		DELETED,
		/** The event repeats the version that is indexed: nothing changed. */
		DUPLICATE,
		/** The event is older than what is indexed, or about an unknown collection: nothing changed. */
		STALE

	}

	Outcome apply(ChunkEvent event) {
		return switch (event) {
			case DocumentChunks chunks -> apply(chunks);
			case DocumentDeleted deleted -> delete(deleted.collection(), deleted.documentId(), deleted.version());
		};
	}

	Outcome apply(DocumentChunks event) {
		return this.transactions.execute((tx) -> {
			Collection collection = this.collections.findByNameForShare(event.collection())
				.orElseThrow(() -> new PoisonRecordException.UnknownCollection(event.collection()));
			validate(event, collection);
			lock(collection, event.documentId());
			Current current = current(collection, event.documentId());
			if (current != null && current.version() >= event.version()) {
				return (current.version() == event.version() && !current.deleted()) ? Outcome.DUPLICATE
						: Outcome.STALE;
			}
			if (event.parts() > 1) {
				insertPending(collection, event);
				Integer have = this.jdbc.queryForObject("SELECT count(*) FROM retrieval.pending_chunks "
						+ "WHERE collection_id = ? AND document_id = ? AND version = ?", Integer.class,
						collection.id(), event.documentId(), event.version());
				if (have == null || have < event.totalChunks()) {
					return Outcome.PENDING;
				}
			}
			Counts removed = deleteChunks(collection, event.documentId());
			if (event.parts() > 1) {
				movePending(collection, event);
			}
			else {
				insert(collection, event);
			}
			this.jdbc.update("DELETE FROM retrieval.pending_chunks WHERE collection_id = ? AND document_id = ? "
					+ "AND version <= ?", collection.id(), event.documentId(), event.version());
			Counts added = this.jdbc.queryForObject(
					"SELECT count(*), coalesce(sum(token_count), 0) FROM " + collection.partition()
							+ " WHERE collection_id = ? AND document_id = ?",
					(rs, n) -> new Counts(rs.getLong(1), rs.getLong(2)), collection.id(), event.documentId());
			upsertDocument(collection, event.documentId(), event.version(), false, event.title(), event.externalId(),
					(int) added.chunks());
			boolean wasLive = current != null && !current.deleted();
			updateCounters(collection, wasLive ? 0 : 1, added.chunks() - removed.chunks(),
					added.tokens() - removed.tokens());
			return Outcome.INDEXED;
		});
	}

	/** Removes a document's chunks of {@code version} and lower, and remembers the deletion. */
	public Outcome delete(String collectionName, String documentId, long version) {
		return this.transactions.execute((tx) -> {
			Collection collection = this.collections.findByNameForShare(collectionName).orElse(null);
			if (collection == null) {
				logger.debug("Ignoring the deletion of {} in the unknown collection {}", documentId, collectionName);
				return Outcome.STALE;
			}
			lock(collection, documentId);
			Current current = current(collection, documentId);
			if (current != null && (current.version() > version || (current.version() == version && current.deleted()))) {
				return Outcome.STALE;
			}
			Counts removed = deleteChunks(collection, documentId);
			this.jdbc.update("DELETE FROM retrieval.pending_chunks WHERE collection_id = ? AND document_id = ? "
					+ "AND version <= ?", collection.id(), documentId, version);
			upsertDocument(collection, documentId, version, true, null, null, 0);
			boolean wasLive = current != null && !current.deleted();
			updateCounters(collection, wasLive ? -1 : 0, -removed.chunks(), -removed.tokens());
			return Outcome.DELETED;
		});
	}

	private void validate(DocumentChunks event, Collection collection) {
		require(event.documentId() != null && !event.documentId().isBlank()
				&& event.documentId().length() <= MAX_DOCUMENT_ID_LENGTH, "documentId must be 1-512 characters");
		require(event.version() >= 0, "version must be >= 0");
		require(event.parts() >= 1 && event.part() >= 0 && event.part() < event.parts(),
				"part must be in [0, parts) and parts >= 1");
		require(event.chunks() != null, "chunks are missing");
		require(event.totalChunks() >= event.chunks().size(), "totalChunks is less than the chunks sent");
		require(event.parts() > 1 || event.chunks().size() == event.totalChunks(),
				"a single-part version must carry all totalChunks chunks");
		require(event.model() == null || event.model().equals(collection.embeddingModel()), "vectors are from model '"
				+ event.model() + "' but collection '" + collection.name() + "' uses '" + collection.embeddingModel() + "'");
		Set<Integer> seen = new HashSet<>();
		for (DocumentChunks.Chunk chunk : event.chunks()) {
			require(chunk != null, "a chunk is null");
			require(chunk.index() >= 0 && chunk.index() < event.totalChunks(),
					"chunk index " + chunk.index() + " is outside [0, totalChunks)");
			require(seen.add(chunk.index()), "chunk index " + chunk.index() + " appears twice");
			require(chunk.text() != null, "chunk " + chunk.index() + " has no text");
			require(chunk.startOffset() >= 0 && chunk.endOffset() >= chunk.startOffset(),
					"chunk " + chunk.index() + " has invalid offsets");
			require(chunk.vector() != null && chunk.vector().length == collection.dimensions(), "chunk "
					+ chunk.index() + " has a vector of " + ((chunk.vector() != null) ? chunk.vector().length : 0)
					+ " dimensions; collection '" + collection.name() + "' has " + collection.dimensions());
			for (float v : chunk.vector()) {
				require(Float.isFinite(v), "chunk " + chunk.index() + " has a non-finite vector component");
			}
			if (chunk.tokenVectors() != null) {
				// stored as they come; reranking reads them with the query's width, which is the collection's
				require(collection.tokenStorage() != null, "chunk " + chunk.index() + " has token vectors; collection '"
						+ collection.name() + "' keeps none");
				boolean whole;
				try {
					whole = collection.tokenStorage().tokens(chunk.tokenVectors(), collection.dimensions()) > 0;
				}
				catch (IllegalArgumentException ex) {
					whole = false;
				}
				require(whole, "chunk " + chunk.index() + " has " + chunk.tokenVectors().length + " bytes of token "
						+ "vectors, not " + collection.tokenStorage().id() + " tokens of " + collection.dimensions()
						+ " dimensions");
			}
		}
	}

	private static void require(boolean condition, String reason) {
		if (!condition) {
			throw new PoisonRecordException(reason);
		}
	}

	private void lock(Collection collection, String documentId) {
		this.jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtextextended(? || '/' || ?, 0))::text",
				String.class, String.valueOf(collection.id()), documentId);
	}

	private Current current(Collection collection, String documentId) {
		return this.jdbc.query("SELECT version, deleted FROM retrieval.documents WHERE collection_id = ? "
				+ "AND document_id = ?", (rs, n) -> new Current(rs.getLong(1), rs.getBoolean(2)), collection.id(),
				documentId).stream().findFirst().orElse(null);
	}

	private Counts deleteChunks(Collection collection, String documentId) {
		// collection_id = ? lets the primary key serve the lookup (it leads the key)
		Counts removed = this.jdbc.queryForObject("WITH d AS (DELETE FROM " + collection.partition()
				+ " WHERE collection_id = ? AND document_id = ? RETURNING token_count) "
				+ "SELECT count(*), coalesce(sum(token_count), 0) FROM d",
				(rs, n) -> new Counts(rs.getLong(1), rs.getLong(2)), collection.id(), documentId);
		if (removed.chunks() > 0) {
			// the replicas' lexical indexes learn of the removal from this row (V8__lexical_index.sql)
			this.jdbc.update("INSERT INTO retrieval.lexical_removals (collection_id, document_id) VALUES (?, ?)",
					collection.id(), documentId);
		}
		return removed;
	}

	private void insert(Collection collection, DocumentChunks event) {
		String sql = "INSERT INTO " + collection.partition() + " (collection_id, document_id, chunk_index, version, "
				+ "text, start_offset, end_offset, metadata, " + collection.storage().column()
				+ ", token_vectors, tsv, token_count, content_hash) SELECT ?, ?, ?, ?, s.t, ?, ?, ?::jsonb, "
				+ collection.vectorParameter() + ", ?, v.tsv, retrieval.tsvector_token_count(v.tsv), "
				+ "sha256(convert_to(s.t, 'UTF8')) FROM (SELECT ?::text AS t) s, "
				+ "LATERAL (SELECT to_tsvector(?::regconfig, s.t) AS tsv) v";
		List<Object[]> rows = event.chunks()
			.stream()
			.map((c) -> new Object[] { collection.id(), event.documentId(), c.index(), event.version(), c.startOffset(),
					c.endOffset(), metadata(c.metadata()), new PGvector(c.vector()), c.tokenVectors(), c.text(),
					collection.language() })
			.toList();
		this.jdbc.batchUpdate(sql, rows);
	}

	private void insertPending(Collection collection, DocumentChunks event) {
		List<Object[]> rows = event.chunks()
			.stream()
			.map((c) -> new Object[] { collection.id(), event.documentId(), event.version(), c.index(), c.text(),
					c.startOffset(), c.endOffset(), metadata(c.metadata()), new PGvector(c.vector()), c.tokenVectors() })
			.toList();
		this.jdbc.batchUpdate("INSERT INTO retrieval.pending_chunks (collection_id, document_id, version, chunk_index, "
				+ "text, start_offset, end_offset, metadata, embedding, token_vectors) VALUES (?, ?, ?, ?, ?, ?, ?, "
				+ "?::jsonb, ?::public.vector::real[], ?) ON CONFLICT DO NOTHING", rows);
	}

	private void movePending(Collection collection, DocumentChunks event) {
		String vector = "p.embedding::public.vector(" + collection.dimensions() + ")"
				+ ((collection.storage() == Storage.HALFVEC) ? "::public.halfvec(" + collection.dimensions() + ")" : "");
		this.jdbc.update("INSERT INTO " + collection.partition() + " (collection_id, document_id, chunk_index, "
				+ "version, text, start_offset, end_offset, metadata, " + collection.storage().column()
				+ ", token_vectors, tsv, token_count, content_hash) SELECT p.collection_id, p.document_id, "
				+ "p.chunk_index, p.version, p.text, p.start_offset, p.end_offset, p.metadata, " + vector
				+ ", p.token_vectors, v.tsv, retrieval.tsvector_token_count(v.tsv), sha256(convert_to(p.text, 'UTF8')) "
				+ "FROM retrieval.pending_chunks p, LATERAL (SELECT to_tsvector(?::regconfig, p.text) AS tsv) v "
				+ "WHERE p.collection_id = ? AND p.document_id = ? AND p.version = ?", collection.language(),
				collection.id(), event.documentId(), event.version());
	}

	private void upsertDocument(Collection collection, String documentId, long version, boolean deleted, String title,
			String externalId, int chunks) {
		this.jdbc.update("""
				INSERT INTO retrieval.documents (collection_id, document_id, version, deleted, title, external_id,
				    chunk_count, indexed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, now())
				ON CONFLICT (collection_id, document_id) DO UPDATE SET version = excluded.version,
				    deleted = excluded.deleted, title = excluded.title, external_id = excluded.external_id,
				    chunk_count = excluded.chunk_count, indexed_at = excluded.indexed_at""", collection.id(),
				documentId, version, deleted, title, externalId, chunks);
	}

	private void updateCounters(Collection collection, long documents, long chunks, long tokens) {
		this.jdbc.update("UPDATE retrieval.collections SET document_count = document_count + ?, "
				+ "chunk_count = chunk_count + ?, token_count = token_count + ?, updated_at = now() WHERE id = ?",
				documents, chunks, tokens, collection.id());
	}

	private String metadata(Map<String, Object> metadata) {
		return (metadata == null) ? "{}" : this.json.writeValueAsString(metadata);
	}

	private record Current(long version, boolean deleted) {
	}

	private record Counts(long chunks, long tokens) {
	}

}
