package dev.ragplatform.contracts.chunk;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A record on {@code rag.chunks.v1}: the chunks of one document version ({@code "type": "chunks"}) or the
 * deletion of a document ({@code "type": "delete"}). Keyed by {@link #key()}, so all events of a document go to
 * one partition in order; the indexer still tolerates duplicates and re-ordering (versions decide).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = DocumentChunks.class, name = "chunks"),
		@JsonSubTypes.Type(value = DocumentDeleted.class, name = "delete") })
public sealed interface ChunkEvent permits DocumentChunks, DocumentDeleted {

	/** Name of the collection the document belongs to. */
	String collection();

	/** The document's id, stable across its versions. */
	String documentId();

	/** Monotonic per document: a higher version replaces every lower one. */
	long version();

	/** The Kafka record key for this event. */
	default String key() {
		return key(collection(), documentId());
	}

	static String key(String collection, String documentId) {
		return collection + "/" + documentId;
	}

}
