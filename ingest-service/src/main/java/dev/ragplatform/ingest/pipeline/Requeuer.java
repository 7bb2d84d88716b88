package dev.ragplatform.ingest.pipeline;

import java.time.Duration;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.DocumentRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the records Kafka never took. A REST submission commits its documents row before it sends the record (the
 * row is the outbox), so a process that dies in between, or a broker that is down, leaves a version RECEIVED and
 * not queued. Every {@code rag.ingest.pipeline.requeue-after} this sends those that have waited that long; the rows
 * are locked while they are sent, so replicas share the work without sending a record twice. It also forgets
 * Idempotency-Keys older than {@code rag.ingest.limits.idempotency-keys-for}.
 */
@Component
class Requeuer {

	private static final Logger logger = LoggerFactory.getLogger(Requeuer.class);

	private final DocumentRepository documents;

	private final DocumentIntake intake;

	private final Duration after;

	private final Duration keysFor;

	Requeuer(DocumentRepository documents, DocumentIntake intake, IngestProperties properties, MeterRegistry meters) {
		this.documents = documents;
		this.intake = intake;
		this.after = properties.pipeline().requeueAfter();
		this.keysFor = properties.limits().idempotencyKeysFor();
		Gauge.builder("rag.ingest.documents.waiting.to.queue", documents, DocumentRepository::waitingToBeQueued)
			.description("documents stored but not yet taken by Kafka")
			.register(meters);
	}

	@Scheduled(initialDelayString = "${rag.ingest.pipeline.requeue-after}",
			fixedDelayString = "${rag.ingest.pipeline.requeue-after}")
	void requeue() {
		try {
			int sent;
			do {
				sent = this.documents.requeue(this.after, 100, this.intake::send);
				if (sent > 0) {
					logger.info("Queued {} stored documents that Kafka had not taken", sent);
				}
			}
			while (sent == 100);
			this.documents.forgetIdempotencyKeys(this.keysFor);
		}
		catch (RuntimeException ex) { // the database or the broker is down: the next round tries again
			logger.warn("Could not queue the stored documents now: {}", ex.toString());
		}
	}

}
