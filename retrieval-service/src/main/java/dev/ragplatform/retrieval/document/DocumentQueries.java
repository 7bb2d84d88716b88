package dev.ragplatform.retrieval.document;

import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.ragplatform.retrieval.collection.Collection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads a document's indexed state and its chunks (writes go through the indexer's {@code ChunkStore}). */
@Repository
class DocumentQueries {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcTemplate jdbc;

	DocumentQueries(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Optional<DocumentView> document(Collection collection, String documentId) {
		return this.jdbc.query("SELECT version, deleted, title, external_id, chunk_count, indexed_at "
				+ "FROM retrieval.documents WHERE collection_id = ? AND document_id = ?",
				(rs, n) -> new DocumentView(documentId, rs.getLong(1), rs.getBoolean(2), rs.getString(3),
						rs.getString(4), rs.getInt(5), rs.getObject(6, OffsetDateTime.class)),
				collection.id(), documentId)
			.stream()
			.findFirst();
	}

	Optional<ChunkView> chunk(Collection collection, String documentId, int index) {
		return chunks(collection, documentId, index, 1).stream().filter((c) -> c.chunkIndex() == index).findFirst();
	}

	/** The document's chunks from {@code from}, in order, at most {@code size}. */
	List<ChunkView> chunks(Collection collection, String documentId, int from, int size) {
		return this.jdbc.query("SELECT chunk_index, version, text, start_offset, end_offset, metadata::text, "
				+ "token_count, content_hash FROM " + collection.partition()
				+ " WHERE collection_id = ? AND document_id = ? AND chunk_index >= ? ORDER BY chunk_index LIMIT ?",
				(rs, n) -> new ChunkView(documentId, rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
						rs.getInt(5), JSON.readTree(rs.getString(6)), rs.getInt(7),
						HexFormat.of().formatHex(rs.getBytes(8))),
				collection.id(), documentId, from, size);
	}

}
