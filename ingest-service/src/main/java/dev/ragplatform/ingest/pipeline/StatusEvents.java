package dev.ragplatform.ingest.pipeline;

import java.time.Instant;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.document.DocumentStatusEvent;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.document.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Publishes this service's status changes on {@code rag.document-status.v1} for whoever watches (the console,
 * users' systems). Informational: the database is the record, so a failed send is logged, not retried.
 */
@Component
class StatusEvents {

	private static final Logger logger = LoggerFactory.getLogger(StatusEvents.class);

	private final KafkaOperations<Object, Object> kafka;

	StatusEvents(KafkaOperations<Object, Object> kafka) {
		this.kafka = kafka;
	}

	void changed(Document document, long version, DocumentStatus status, Integer chunks) {
		publish(new DocumentStatusEvent(document.collection(), document.id().toString(), version, status, chunks, null,
				null, "ingest-service", Instant.now(), null));
	}

	void failed(Document document, long version, String stage, String reason) {
		publish(new DocumentStatusEvent(document.collection(), document.id().toString(), version,
				DocumentStatus.FAILED, null, stage, reason, "ingest-service", Instant.now(), null));
	}

	private void publish(DocumentStatusEvent event) {
		try {
			this.kafka.send(Topics.DOCUMENT_STATUS, event.key(), event).whenComplete((result, ex) -> {
				if (ex != null) {
					logger.warn("Status {} of {} not published: {}", event.status(), event.key(), ex.getMessage());
				}
			});
		}
		catch (RuntimeException ex) {
			// a broker that is gone can fail the send at once (no metadata within max.block.ms): the same case
			logger.warn("Status {} of {} not published: {}", event.status(), event.key(), ex.getMessage());
		}
	}

}
