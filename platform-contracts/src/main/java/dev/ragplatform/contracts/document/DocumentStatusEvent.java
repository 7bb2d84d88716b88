package dev.ragplatform.contracts.document;

import java.time.Instant;

/**
 * A document version changed status: a record on {@code rag.document-status.v1}, keyed like the chunk events
 * ({@code <collection>/<documentId>}). ingest-service publishes every stage up to {@code EMBEDDED} and
 * {@code FAILED}; retrieval-service publishes {@code INDEXED} and {@code DELETED} once its transaction commits.
 *
 * @param collection the collection
 * @param documentId the document's id
 * @param version the version the status is about
 * @param status the new status
 * @param chunks how many chunks the version has, when known
 * @param stage for {@code FAILED}: the stage that failed
 * @param reason for {@code FAILED}: why
 * @param source the service that published the event
 * @param at when
 * @param collectionGeneration for a whole collection's deletion (no {@code documentId}, status {@code DELETED}):
 * which collection of that name was deleted. retrieval-service gives every collection it creates a new generation,
 * so a deletion cannot reach the documents of a collection of the same name created after it
 */
public record DocumentStatusEvent(String collection, String documentId, long version, DocumentStatus status,
		Integer chunks, String stage, String reason, String source, Instant at, Long collectionGeneration) {

	/** A collection was deleted, with every document in it. */
	public static DocumentStatusEvent collectionDeleted(String collection, long generation, String source) {
		return new DocumentStatusEvent(collection, null, 0, DocumentStatus.DELETED, 0, null, null, source, Instant.now(),
				generation);
	}

	public boolean isCollectionDeletion() {
		return this.documentId == null && this.status == DocumentStatus.DELETED && this.collectionGeneration != null;
	}

	public String key() {
		return (documentId != null) ? collection + "/" + documentId : collection;
	}

}
