package dev.ragplatform.commons.document;

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
 */
public record DocumentStatusEvent(String collection, String documentId, long version, DocumentStatus status,
		Integer chunks, String stage, String reason, String source, Instant at) {

	public String key() {
		return collection + "/" + documentId;
	}

}
