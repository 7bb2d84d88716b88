package dev.ragplatform.retrieval.document;

import java.time.OffsetDateTime;
import java.util.HexFormat;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.retrieval.index.ChunkStore;
import dev.ragplatform.retrieval.index.StatusPublisher;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A document's indexed state, one chunk, and deleting a document from the index. */
@RestController
@RequestMapping("/v1/collections/{collection}/documents/{documentId}")
class DocumentController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final CollectionService collections;

	private final ChunkStore store;

	private final StatusPublisher status;

	private final JdbcTemplate jdbc;

	DocumentController(CollectionService collections, ChunkStore store, StatusPublisher status, JdbcTemplate jdbc) {
		this.collections = collections;
		this.store = store;
		this.status = status;
		this.jdbc = jdbc;
	}

	@GetMapping
	DocumentView get(@PathVariable String collection, @PathVariable String documentId) {
		Collection c = this.collections.get(collection);
		return this.jdbc.query("SELECT version, deleted, title, external_id, chunk_count, indexed_at "
				+ "FROM retrieval.documents WHERE collection_id = ? AND document_id = ?",
				(rs, n) -> new DocumentView(documentId, rs.getLong(1), rs.getBoolean(2), rs.getString(3),
						rs.getString(4), rs.getInt(5), rs.getObject(6, OffsetDateTime.class)),
				c.id(), documentId)
			.stream()
			.findFirst()
			.orElseThrow(() -> notFound(collection, documentId));
	}

	@GetMapping("/chunks/{index}")
	ChunkView chunk(@PathVariable String collection, @PathVariable String documentId, @PathVariable int index) {
		Collection c = this.collections.get(collection);
		return this.jdbc.query("SELECT version, text, start_offset, end_offset, metadata::text, token_count, "
				+ "content_hash FROM " + c.partition() + " WHERE collection_id = ? AND document_id = ? AND chunk_index = ?",
				(rs, n) -> new ChunkView(documentId, index, rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
						JSON.readTree(rs.getString(5)), rs.getInt(6), HexFormat.of().formatHex(rs.getBytes(7))),
				c.id(), documentId, index)
			.stream()
			.findFirst()
			.orElseThrow(() -> ServiceProblem.notFound("Chunk " + index + " of document '" + documentId
					+ "' is not in collection '" + collection + "'."));
	}

	/** Removes the document's chunks now; versions newer than the indexed one still index when they arrive. */
	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String collection, @PathVariable String documentId) {
		DocumentView document = get(collection, documentId);
		if (document.deleted()) {
			throw notFound(collection, documentId);
		}
		if (this.store.delete(collection, documentId, document.version()) == ChunkStore.Outcome.DELETED) {
			this.status.deleted(collection, documentId, document.version());
		}
	}

	private static ServiceProblem notFound(String collection, String documentId) {
		return ServiceProblem.notFound("Document '" + documentId + "' is not in collection '" + collection + "'.");
	}

	record DocumentView(String documentId, long version, boolean deleted, String title, String externalId, int chunks,
			OffsetDateTime indexedAt) {
	}

	record ChunkView(String documentId, int chunkIndex, long version, String text, int startOffset, int endOffset,
			JsonNode metadata, int tokenCount, String contentSha256) {
	}

}
