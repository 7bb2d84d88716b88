package dev.ragplatform.ingest.pipeline;

import java.util.UUID;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.document.DocumentStatusEvent;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.collection.CollectionClient;
import dev.ragplatform.ingest.document.DocumentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Turns retrieval-service's announcements into document status: {@code INDEXED} when the version became
 * searchable, {@code DELETED} when its chunks were removed, {@code FAILED} (stage {@code index}) when it dead-lettered
 * a chunk record of the version, so that a version missing a part does not wait forever. Status only moves forward,
 * so duplicates and announcements of superseded versions change nothing.
 */
@Component
class StatusConsumer {

	private static final Logger logger = LoggerFactory.getLogger(StatusConsumer.class);

	private final DocumentRepository documents;

	private final JsonMapper json;

	private final CollectionClient collections;

	StatusConsumer(DocumentRepository documents, CollectionClient collections, JsonMapper json) {
		this.documents = documents;
		this.collections = collections;
		this.json = json;
	}

	@KafkaListener(id = "document-status", idIsGroup = false, groupId = "${spring.kafka.consumer.group-id}-status",
			topics = Topics.DOCUMENT_STATUS)
	void onStatus(String value) {
		DocumentStatusEvent event;
		UUID id;
		try {
			event = this.json.readValue(value, DocumentStatusEvent.class);
			if (!"retrieval-service".equals(event.source())) {
				return;
			}
			if (event.isCollectionDeletion()) {
				this.collections.evict(event.collection());
				int ended = this.documents.collectionDeleted(event.collection(), event.collectionGeneration());
				logger.info("Collection '{}' (generation {}) was deleted: {} of its documents marked DELETED",
						event.collection(), event.collectionGeneration(), ended);
				return;
			}
			if (event.documentId() == null) {
				return;
			}
			id = UUID.fromString(event.documentId());
		}
		catch (JacksonException | IllegalArgumentException ex) {
			logger.debug("Ignoring a status record that is not ours: {}", ex.getMessage());
			return; // documents indexed by other producers than ingest-service have other ids
		}
		if (event.status() == DocumentStatus.INDEXED) {
			this.documents.advance(id, event.version(), DocumentStatus.INDEXED, event.chunks());
		}
		else if (event.status() == DocumentStatus.DELETED) {
			this.documents.deleted(id, event.version());
		}
		else if (event.status() == DocumentStatus.FAILED && event.reason() != null) {
			if (this.documents.failIndexing(id, event.version(), event.reason())) {
				logger.info("Document {} v{} failed in retrieval-service: {}", id, event.version(), event.reason());
			}
		}
	}

}
