package dev.ragplatform.retrieval.index;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.document.DocumentStatusEvent;
import dev.ragplatform.contracts.kafka.Topics;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Tells {@code rag.document-status.v1} that a version became searchable or was deleted. Sent after the database
 * commit and awaited: if the send fails, the record is retried, the store answers {@code DUPLICATE}, and the
 * event goes out again (at least once).
 */
@Component
public class StatusPublisher {

	private final KafkaOperations<Object, Object> kafka;

	StatusPublisher(KafkaOperations<Object, Object> kafka) {
		this.kafka = kafka;
	}

	public void indexed(String collection, String documentId, long version, int chunks) {
		send(new DocumentStatusEvent(collection, documentId, version, DocumentStatus.INDEXED, chunks, null, null,
				"retrieval-service", Instant.now(), null));
	}

	public void deleted(String collection, String documentId, long version) {
		send(new DocumentStatusEvent(collection, documentId, version, DocumentStatus.DELETED, 0, null, null,
				"retrieval-service", Instant.now(), null));
	}

	/**
	 * Tells the owner of a version that a record of it was dead-lettered, so the version fails with the reason instead
	 * of waiting for a part that will never be indexed.
	 */
	public void failed(String collection, String documentId, long version, String reason) {
		send(new DocumentStatusEvent(collection, documentId, version, DocumentStatus.FAILED, null, "index", reason,
				"retrieval-service", Instant.now(), null));
	}

	/** Announces a deleted collection: ingest-service marks its documents DELETED and erases their content. */
	@org.springframework.context.event.EventListener
	public void collectionDeleted(dev.ragplatform.retrieval.collection.CollectionDeleted deleted) {
		send(DocumentStatusEvent.collectionDeleted(deleted.name(), deleted.generation(), "retrieval-service"));
	}

	private void send(DocumentStatusEvent event) {
		try {
			this.kafka.send(Topics.DOCUMENT_STATUS, event.key(), event)
				.get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while publishing " + event.status(), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new org.springframework.dao.DataAccessResourceFailureException(
					"cannot publish the status of " + event.key() + ": " + ex.getMessage(), ex);
		}
	}

}
