package dev.ragplatform.ingest.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import dev.ragplatform.commons.document.DocumentRecord;
import dev.ragplatform.commons.kafka.Topics;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code rag.documents.v1} in batches. Records of different documents run concurrently (so
 * embedding-service's batcher stays fed); records of one document, in order. A poison record is marked FAILED
 * and sent to {@code rag.documents.v1-dlt} with its reason, and the batch goes on. A transient failure
 * (embedding-service, retrieval-service, the database or Kafka down) fails the batch: the error handler pauses
 * the consumer and retries it with back-off until it succeeds; records already done are skipped on the retry, so
 * nothing is lost and nothing is duplicated. Offsets are committed only after the whole batch is done.
 */
@Component
class DocumentConsumer implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(DocumentConsumer.class);

	static final String ID = "document-pipeline";

	private final DocumentIntake intake;

	private final DocumentRepository documents;

	private final DocumentPipeline pipeline;

	private final DeadLetterPublishingRecoverer deadLetters;

	private final JsonMapper json;

	private final Semaphore parallel;

	private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

	DocumentConsumer(DocumentIntake intake, DocumentRepository documents, DocumentPipeline pipeline,
			DeadLetterPublishingRecoverer documentDeadLetters, JsonMapper json, IngestProperties properties) {
		this.intake = intake;
		this.documents = documents;
		this.pipeline = pipeline;
		this.deadLetters = documentDeadLetters;
		this.json = json;
		this.parallel = new Semaphore(properties.pipeline().parallelDocuments());
	}

	@KafkaListener(id = ID, idIsGroup = false, topics = Topics.DOCUMENTS, batch = "true",
			concurrency = "${rag.ingest.pipeline.concurrency}")
	void onBatch(List<ConsumerRecord<String, String>> records) throws Exception {
		Map<Object, List<ConsumerRecord<String, String>>> byDocument = new LinkedHashMap<>();
		for (ConsumerRecord<String, String> record : records) {
			Object key = (record.key() != null) ? record.key() : record; // no key: no order to keep
			byDocument.computeIfAbsent(key, (k) -> new ArrayList<>()).add(record);
		}
		List<Future<?>> running = new ArrayList<>(byDocument.size());
		for (List<ConsumerRecord<String, String>> inOrder : byDocument.values()) {
			running.add(this.workers.submit(() -> {
				this.parallel.acquire();
				try {
					for (ConsumerRecord<String, String> record : inOrder) {
						handle(record);
					}
				}
				finally {
					this.parallel.release();
				}
				return null;
			}));
		}
		Exception failure = null;
		for (Future<?> task : running) {
			try {
				task.get();
			}
			catch (ExecutionException ex) {
				failure = (failure != null) ? failure
						: (ex.getCause() instanceof Exception cause) ? cause : new IllegalStateException(ex.getCause());
			}
		}
		if (failure != null) {
			throw failure; // transient: the error handler retries the batch
		}
	}

	private void handle(ConsumerRecord<String, String> record) {
		try {
			Document document = resolve(record);
			if (document != null) {
				this.pipeline.process(document);
			}
		}
		catch (PoisonDocumentException ex) {
			deadLetter(record, ex);
		}
		catch (RuntimeException ex) {
			if (Failures.isTransient(ex)) {
				throw ex;
			}
			// not known to be transient: retrying forever would block the partition; make it visible instead
			logger.error("Document record {}-{}@{} failed unexpectedly", record.topic(), record.partition(),
					record.offset(), ex);
			deadLetter(record, new PoisonDocumentException("internal", "unexpected failure: " + Failures.describe(ex),
					ex));
		}
	}

	/** The stored document version the record stands for, or null when there is nothing to do. */
	private Document resolve(ConsumerRecord<String, String> record) {
		DocumentRecord parsed = parse(record.value());
		if (parsed.documentId() != null) { // queued by the REST intake: stored already
			UUID id;
			try {
				id = UUID.fromString(parsed.documentId());
			}
			catch (IllegalArgumentException ex) {
				throw new PoisonDocumentException("intake", "documentId is not one of ours: " + parsed.documentId());
			}
			Document document = this.documents.find(id)
				.orElseThrow(() -> new PoisonDocumentException("intake", "unknown documentId " + id
						+ " (leave documentId out of records you publish)"));
			return (parsed.version() != null && parsed.version() == document.version()) ? document : null;
		}
		Registration registration = this.intake.register(parsed);
		return registration.unchanged() && registration.document().settled() ? null : registration.document();
	}

	private DocumentRecord parse(String value) {
		if (value == null || value.isBlank()) {
			throw new PoisonDocumentException("intake", "empty record");
		}
		try {
			return this.json.readValue(value, DocumentRecord.class);
		}
		catch (JacksonException ex) {
			throw new PoisonDocumentException("intake", "not a document record: " + ex.getOriginalMessage(), ex);
		}
	}

	private void deadLetter(ConsumerRecord<String, String> record, PoisonDocumentException ex) {
		logger.info("Document record {}-{}@{} dead-lettered ({}): {}", record.topic(), record.partition(),
				record.offset(), ex.stage(), ex.getMessage());
		this.deadLetters.accept(record, ex); // awaits the broker: if it fails, the batch is retried
	}

	@Override
	public void destroy() {
		this.workers.shutdownNow();
	}

}
