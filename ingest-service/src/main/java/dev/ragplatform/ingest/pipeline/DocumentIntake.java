package dev.ragplatform.ingest.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.contracts.chunk.DocumentDeleted;
import dev.ragplatform.contracts.document.DocumentRecord;
import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.collection.CollectionClient;
import dev.ragplatform.ingest.collection.CollectionSettings;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import dev.ragplatform.ingest.document.Submission;
import dev.ragplatform.ingest.parse.DocumentParser;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Service;

/**
 * Where documents come in and go out: registers submissions (REST and Kafka), queues REST ones on
 * {@code rag.documents.v1}, retries failed ones and deletes. The REST checks (404, 413, 415, 422) happen here
 * before anything is stored; the Kafka path turns the same checks into dead letters.
 */
@Service
public class DocumentIntake {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(DocumentIntake.class);

	static final String TEXT = "text/plain";

	private final DocumentRepository documents;

	private final CollectionClient collections;

	private final DocumentParser parser;

	private final KafkaOperations<Object, Object> kafka;

	private final JsonMapper json;

	private final StatusEvents events;

	private final long maxBytes;

	private final long interactiveMaxSize;

	private final int interactiveMaxInProgress;

	DocumentIntake(DocumentRepository documents, CollectionClient collections, DocumentParser parser,
			KafkaOperations<Object, Object> kafka, JsonMapper json, StatusEvents events, IngestProperties properties) {
		this.documents = documents;
		this.collections = collections;
		this.parser = parser;
		this.kafka = kafka;
		this.json = json;
		this.events = events;
		this.maxBytes = properties.limits().maxDocumentSize().toBytes();
		this.interactiveMaxSize = properties.pipeline().interactiveMaxSize().toBytes();
		this.interactiveMaxInProgress = properties.pipeline().interactiveMaxInProgress();
	}

	/** A text document over REST. */
	public Registration submitText(String collection, String externalId, String title, String text,
			Map<String, Object> metadata, String idempotencyKey) {
		long generation = requireCollection(collection).generation();
		if (text == null || text.isBlank()) {
			throw ServiceProblem.unprocessable("Empty document", "The document has no text.");
		}
		byte[] content = text.getBytes(StandardCharsets.UTF_8);
		requireSize(content.length);
		requireNoNul(externalId, title, metadata);
		return queue(new Submission(collection, blankToNull(externalId), blankToNull(title), metadata, content, null,
				TEXT, "rest", generation, idempotencyKey(idempotencyKey)));
	}

	/** A file over REST; its type is detected from the content. */
	public Registration submitFile(String collection, String externalId, String title, byte[] content,
			String fileName, Map<String, Object> metadata, String idempotencyKey) {
		long generation = requireCollection(collection).generation();
		if (content == null || content.length == 0) {
			throw ServiceProblem.unprocessable("Empty document", "The file is empty.");
		}
		requireSize(content.length);
		requireNoNul(externalId, title, metadata);
		String mediaType = this.parser.detect(content, fileName);
		if (!this.parser.supported(mediaType)) {
			throw ServiceProblem.unsupportedType("Unsupported document type", "Documents of type " + mediaType + " are not supported (detected from "
					+ "the content). Send PDF, HTML, Markdown, DOCX, ODT, RTF, EPUB or plain text.");
		}
		return queue(new Submission(collection, blankToNull(externalId), blankToNull(title), metadata, content,
				fileName, mediaType, "rest", generation, idempotencyKey(idempotencyKey)));
	}

	/**
	 * Registers, then queues the stored version. The row is committed first and is the outbox: if Kafka does not take
	 * the record now (or the process dies before it is sent), the version stays RECEIVED and the {@link Requeuer}
	 * sends it later, so an accepted document is never lost.
	 */
	private Registration queue(Submission submission) {
		Registration registration = this.documents.register(submission);
		if (registration.unchanged() && registration.document().settled()) {
			return registration;
		}
		if (registration.unchanged()) { // the same version, never finished (e.g. not queued before a crash)
			publish(registration.document());
			return registration;
		}
		Document doc = registration.document();
		this.events.changed(doc, doc.version(), DocumentStatus.RECEIVED, null);
		publish(doc);
		return registration;
	}

	/** Sends a failed version through the pipeline again. */
	public Document retry(String collection, UUID id) {
		Document doc = get(collection, id);
		if (doc.status() != DocumentStatus.FAILED) {
			throw ServiceProblem.conflict("Only failed documents can be retried; this one is " + doc.status() + ".");
		}
		if (this.documents.content(id, doc.version()).isEmpty()) {
			throw ServiceProblem.conflict("The content of version " + doc.version() + " is no longer stored; send the "
					+ "document again.");
		}
		this.documents.retry(id);
		publish(doc);
		return this.documents.find(id).orElseThrow();
	}

	/** Publishes the deletion to retrieval-service and marks the document deleted. */
	public Document delete(String collection, UUID id) {
		Document doc = get(collection, id);
		if (doc.status() == DocumentStatus.DELETED) {
			throw ServiceProblem.notFound("Document " + id + " was deleted.");
		}
		DocumentDeleted event = new DocumentDeleted(collection, id.toString(), doc.version());
		sendAndAwait(Topics.CHUNKS, event.key(), event, "the deletion");
		this.documents.deleted(id, doc.version());
		this.events.changed(doc, doc.version(), DocumentStatus.DELETED, 0);
		return this.documents.find(id).orElseThrow();
	}

	public Document get(String collection, UUID id) {
		return this.documents.find(id)
			.filter((d) -> d.collection().equals(collection))
			.orElseThrow(() -> ServiceProblem.notFound("Document " + id + " is not in collection '" + collection + "'."));
	}

	/**
	 * Registers a record a user's system published (no REST checks passed yet: they are made here).
	 *
	 * @return the registration, or null when the record repeats the current version
	 */
	Registration register(DocumentRecord record) {
		if (record.collection() == null || record.collection().isBlank()) {
			throw new PoisonDocumentException("intake", "collection is required");
		}
		boolean hasText = record.text() != null;
		boolean hasContent = record.content() != null;
		if (hasText == hasContent) {
			throw new PoisonDocumentException("intake", "give exactly one of text and content (base64)");
		}
		CollectionSettings collection = this.collections.find(record.collection())
			.orElseThrow(() -> new PoisonDocumentException("intake", "unknown collection '" + record.collection() + "'"));
		byte[] content;
		try {
			content = hasText ? record.text().getBytes(StandardCharsets.UTF_8)
					: Base64.getMimeDecoder().decode(record.content());
		}
		catch (IllegalArgumentException ex) {
			throw new PoisonDocumentException("intake", "content is not base64: " + ex.getMessage());
		}
		if (content.length == 0 || (hasText && record.text().isBlank())) {
			throw new PoisonDocumentException("intake", "the document is empty");
		}
		if (hasNul(record.externalId()) || hasNul(record.title()) || (record.metadata() != null
				&& this.json.writeValueAsString(record.metadata()).contains("\\u0000"))) {
			throw new PoisonDocumentException("intake", "externalId, title and metadata must not contain NUL characters");
		}
		if (content.length > this.maxBytes) {
			throw new PoisonDocumentException("intake", "the document has " + content.length
					+ " bytes, more than rag.ingest.limits.max-document-size (" + this.maxBytes + ")");
		}
		String mediaType = hasText ? TEXT : this.parser.detect(content, record.fileName());
		return this.documents.register(new Submission(record.collection(), blankToNull(record.externalId()),
				blankToNull(record.title()), record.metadata(), content, record.fileName(), mediaType, "kafka",
				collection.generation(), null));
	}

	/** Sends the version's record; false (and the version waits for the {@link Requeuer}) when Kafka did not take it. */
	private boolean publish(Document doc) {
		try {
			send(doc);
			this.documents.queued(doc.id(), doc.version());
			return true;
		}
		catch (DependencyUnavailableException ex) {
			logger.warn("Document {} v{} is stored and waits to be queued: {}", doc.id(), doc.version(), ex.getMessage());
			return false;
		}
	}

	/**
	 * Sends the version's record and waits for the broker's acknowledgement: on the interactive lane when the
	 * document is small and its collection has few documents in progress, else on {@code rag.documents.v1} (so a
	 * collection's bulk import moves to the bulk lane after its first documents, and leaves the interactive lane to
	 * others).
	 */
	void send(Document doc) {
		DocumentRecord record = DocumentRecord.stored(doc.collection(), doc.externalId(), doc.id().toString(),
				doc.version());
		String topic = (doc.sizeBytes() <= this.interactiveMaxSize
				&& this.documents.inProgress(doc.collection()) <= this.interactiveMaxInProgress)
						? Topics.DOCUMENTS_INTERACTIVE : Topics.DOCUMENTS;
		sendAndAwait(topic, DocumentRecord.key(doc.collection(), doc.externalId()),
				record, "the document");
	}

	/**
	 * Sends and waits for the broker's acknowledgement. A broker that is gone fails the send either at once (no
	 * metadata within {@code max.block.ms}: KafkaTemplate throws) or later (the future fails or times out): both are
	 * the dependency being unavailable, never a 500.
	 */
	private void sendAndAwait(String topic, String key, Object value, String what) {
		java.util.concurrent.CompletableFuture<?> send;
		try {
			send = this.kafka.send(topic, key, value);
		}
		catch (RuntimeException ex) {
			logger.warn("Kafka did not take {}: {}", what, ex.toString());
			throw new DependencyUnavailableException("Kafka did not take " + what + "; try again later", ex);
		}
		try {
			send.get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DependencyUnavailableException("interrupted while queueing " + what, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Kafka did not take {}: {}", what, ex.toString());
			throw new DependencyUnavailableException("Kafka did not take " + what + "; try again later", ex);
		}
	}

	/** 404 unless the collection exists in retrieval-service. */
	public CollectionSettings requireCollection(String collection) {
		return this.collections.find(collection)
			.orElseThrow(() -> ServiceProblem.notFound("Collection '" + collection + "' does not exist."));
	}

	/** PostgreSQL text and jsonb cannot hold NUL characters. */
	private void requireNoNul(String externalId, String title, Map<String, Object> metadata) {
		if (hasNul(externalId) || hasNul(title)
				|| (metadata != null && this.json.writeValueAsString(metadata).contains("\\u0000"))) {
			throw ServiceProblem.badRequest("externalId, title and metadata must not contain NUL characters.");
		}
	}

	private static boolean hasNul(String value) {
		return value != null && value.indexOf('\u0000') >= 0;
	}

	private void requireSize(long bytes) {
		if (bytes > this.maxBytes) {
			throw ServiceProblem.tooLarge("Document too large", "The document has " + bytes + " bytes; at most " + this.maxBytes
					+ " are accepted (rag.ingest.limits.max-document-size).");
		}
	}

	/** An Idempotency-Key header: printable ASCII, at most 255 characters (as the IETF draft's examples). */
	private static String idempotencyKey(String key) {
		if (key == null) {
			return null;
		}
		if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch((c) -> c >= 0x20 && c < 0x7f)) {
			throw ServiceProblem.badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters.");
		}
		return key;
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
