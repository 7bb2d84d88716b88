package dev.ragplatform.ingest.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ragplatform.contracts.document.DocumentRecord;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.runtime.tracing.RecordObservation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
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
 * embedding-service's batcher stays fed); records of one document, in order. A poison record's document is marked
 * FAILED, the batch goes on, and then the record is sent to {@code rag.documents.v1-dlt} with its reason (the
 * verdict is kept in {@link Deliveries} until it is sent): all of a batch's poison records at once, so a backlog of
 * them (a collection deleted under a bulk import) costs no poll each. A transient failure
 * (embedding-service, retrieval-service, the database or Kafka down) fails the batch: the error handler pauses
 * the consumer and retries it with back-off until it succeeds; records already done are skipped on the retry, so
 * nothing is lost and no document is processed twice (a dead letter sent just before the failure may be sent
 * again). Offsets are committed only after the whole batch is done.
 * <p>
 * Memory is bounded by the bytes of the documents in flight ({@link BytesInFlight}). A record whose processing was
 * started before and never finished (the process died under it) runs alone, and after
 * {@code rag.ingest.pipeline.max-deliveries} such starts it is given up: its document FAILED with the reason, the
 * record dead-lettered. The starts are counted in the database ({@link Deliveries}), so the count survives the crash
 * it counts.
 */
@Component
class DocumentConsumer implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(DocumentConsumer.class);

	static final String ID = "document-pipeline";

	static final String INTERACTIVE_ID = "document-pipeline-interactive";

	private final DocumentIntake intake;

	private final DocumentRepository documents;

	private final DocumentPipeline pipeline;

	private final JsonMapper json;

	private final Deliveries deliveries;

	private final BytesInFlight bytesInFlight;

	private final int maxDeliveries;

	private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

	private final ObservationRegistry observations;

	private final DeadLetterPublishingRecoverer deadLetters;

	DocumentConsumer(DocumentIntake intake, DocumentRepository documents, DocumentPipeline pipeline,
			JsonMapper json, Deliveries deliveries, DeadLetterPublishingRecoverer deadLetters,
			IngestProperties properties, MeterRegistry meters, ObservationRegistry observations) {
		this.observations = observations;
		this.deadLetters = deadLetters;
		this.intake = intake;
		this.documents = documents;
		this.pipeline = pipeline;
		this.json = json;
		this.deliveries = deliveries;
		this.bytesInFlight = new BytesInFlight(properties.pipeline().maxBytesInFlight());
		this.maxDeliveries = properties.pipeline().maxDeliveries();
		Gauge.builder("rag.ingest.pipeline.bytes.in.flight", this.bytesInFlight, BytesInFlight::inUse)
			.description("size of the documents being processed now")
			.baseUnit("bytes")
			.register(meters);
	}

	@KafkaListener(id = ID, idIsGroup = false, topics = Topics.DOCUMENTS, batch = "true",
			concurrency = "${rag.ingest.pipeline.concurrency}")
	void onBatch(List<ConsumerRecord<String, String>> records) throws Exception {
		process(records);
	}

	/**
	 * The interactive lane ({@link DocumentIntake} sends small REST documents of quiet collections there): the same
	 * processing, on its own consumer, so a bulk import on {@code rag.documents.v1} does not hold them.
	 */
	@KafkaListener(id = INTERACTIVE_ID, idIsGroup = false, topics = Topics.DOCUMENTS_INTERACTIVE, batch = "true",
			concurrency = "1")
	void onInteractiveBatch(List<ConsumerRecord<String, String>> records) throws Exception {
		process(records);
	}

	/**
	 * Runs the batch; then, if a record failed transiently, throws that failure (the error handler retries the whole
	 * batch: its done records are skipped, its poison ones fail again at once from their stored verdict); else sends
	 * the poison records to the dead-letter topic, in the batch's order, each awaited before its verdict is cleared
	 * (if Kafka fails meanwhile the batch is retried, and a record sent already may be sent twice: never lost).
	 */
	private void process(List<ConsumerRecord<String, String>> records) throws Exception {
		Map<Object, List<ConsumerRecord<String, String>>> byDocument = new LinkedHashMap<>();
		for (ConsumerRecord<String, String> record : records) {
			Object key = (record.key() != null) ? record.key() : record; // no key: no order to keep
			byDocument.computeIfAbsent(key, (k) -> new ArrayList<>()).add(record);
		}
		Map<ConsumerRecord<String, String>, PoisonDocumentException> poison = new ConcurrentHashMap<>();
		List<Future<?>> running = new ArrayList<>(byDocument.size());
		for (List<ConsumerRecord<String, String>> inOrder : byDocument.values()) {
			running.add(this.workers.submit(() -> {
				for (ConsumerRecord<String, String> record : inOrder) {
					try {
						handle(record);
					}
					catch (PoisonDocumentException ex) {
						poison.put(record, ex); // later records of the document still run
					}
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
		for (ConsumerRecord<String, String> record : records) {
			PoisonDocumentException ex = poison.get(record);
			if (ex != null) {
				this.deadLetters.accept(record, ex); // awaits the broker
				this.deliveries.finished(record);
			}
		}
	}

	/**
	 * Processes a record, traced as the child of the span that sent it (the upload's, for a REST document); a
	 * poison record's verdict is stored before it is thrown.
	 */
	private void handle(ConsumerRecord<String, String> record) throws InterruptedException {
		RecordObservation.of(record, "rag.ingest.record", "ingest " + record.topic(), this.observations)
			.observeChecked(() -> handleInScope(record));
	}

	private void handleInScope(ConsumerRecord<String, String> record) throws InterruptedException {
		Deliveries.Delivery delivery = this.deliveries.of(record);
		if (delivery.poison() != null) {
			throw delivery.poison(); // judged before, not yet dead-lettered
		}
		try {
			if (delivery.unfinished() >= this.maxDeliveries) {
				throw giveUp(record, delivery.unfinished());
			}
			Document document = resolve(record);
			if (document == null) {
				this.deliveries.finished(record);
				return;
			}
			run(record, document, delivery.unfinished() > 0);
		}
		catch (PoisonDocumentException ex) {
			logger.info("Document record {}-{}@{} is poison ({}): {}", record.topic(), record.partition(),
					record.offset(), ex.stage(), ex.getMessage());
			this.deliveries.poisoned(record, ex);
			throw ex;
		}
	}

	private void run(ConsumerRecord<String, String> record, Document document, boolean alone)
			throws InterruptedException {
		long size = Math.max(document.sizeBytes(), (record.value() != null) ? record.value().length() : 0);
		int share = this.bytesInFlight.acquire(size, alone);
		try {
			this.deliveries.start(record);
			process(record, document);
			this.deliveries.finished(record);
		}
		catch (PoisonDocumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) { // transient: not the record's fault
			try {
				this.deliveries.interrupted(record);
			}
			catch (RuntimeException alsoDown) {
				ex.addSuppressed(alsoDown);
			}
			throw ex;
		}
		finally {
			this.bytesInFlight.release(share);
		}
	}

	private void process(ConsumerRecord<String, String> record, Document document) {
		try {
			this.pipeline.process(document);
		}
		catch (PoisonDocumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			if (Failures.isTransient(ex)) {
				throw ex;
			}
			// not known to be transient: retrying forever would block the partition; make it visible instead
			logger.error("Document record {}-{}@{} failed unexpectedly", record.topic(), record.partition(),
					record.offset(), ex);
			throw new PoisonDocumentException("internal", Failures.unexpected(ex), ex);
		}
	}

	/** The process stopped every time it worked on this record: fails its document; returns the record's poison. */
	private PoisonDocumentException giveUp(ConsumerRecord<String, String> record, int starts) {
		String reason = "ingest-service stopped " + starts + " times while processing this document (out of memory "
				+ "or a crash); given up after rag.ingest.pipeline.max-deliveries (" + this.maxDeliveries + ")";
		logger.error("Document record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
		String stage = "intake";
		try {
			Document document = resolve(record);
			String failedAt = (document != null) ? this.pipeline.giveUp(document, reason) : null;
			stage = (failedAt != null) ? failedAt : stage;
		}
		catch (PoisonDocumentException ex) {
			reason = reason + "; " + ex.getMessage();
		}
		return new PoisonDocumentException(stage, reason);
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

	@Override
	public void destroy() {
		this.workers.shutdownNow();
	}

}
