package dev.ragplatform.ingest.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.chunk.ChunkSize;
import dev.ragplatform.ingest.chunk.Chunker;
import dev.ragplatform.ingest.chunk.TextChunk;
import dev.ragplatform.ingest.chunk.Tokenization;
import dev.ragplatform.ingest.collection.CollectionClient;
import dev.ragplatform.ingest.collection.CollectionSettings;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.ingest.embedding.EmbeddingClient;
import dev.ragplatform.ingest.embedding.EmbeddingRejectedException;
import dev.ragplatform.ingest.embedding.ModelTokenizers;
import dev.ragplatform.ingest.parse.DocumentParser;
import dev.ragplatform.ingest.parse.ParsedDocument;
import dev.ragplatform.ingest.parse.UnparseableDocumentException;
import dev.ragplatform.ingest.parse.UnsupportedMediaTypeException;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Takes one stored document version through parse → chunk → embed → publish, recording each stage. Safe to run
 * again on the same version (a redelivery, a retry after an outage): it resumes from the stored text, and the
 * chunks it publishes replace themselves in retrieval-service, which indexes a version once.
 */
@Component
class DocumentPipeline {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(DocumentPipeline.class);

	private final DocumentRepository documents;

	private final CollectionClient collections;

	private final DocumentParser parser;

	private final ModelTokenizers tokenizers;

	private final Chunker chunker = new Chunker();

	private final EmbeddingClient embeddings;

	private final KafkaOperations<Object, Object> kafka;

	private final StatusEvents events;

	private final IngestProperties properties;

	private final MeterRegistry meters;

	private final ObservationRegistry observations;

	DocumentPipeline(DocumentRepository documents, CollectionClient collections, DocumentParser parser,
			ModelTokenizers tokenizers, EmbeddingClient embeddings, KafkaOperations<Object, Object> kafka,
			StatusEvents events, IngestProperties properties, MeterRegistry meters, ObservationRegistry observations) {
		this.observations = observations;
		this.documents = documents;
		this.collections = collections;
		this.parser = parser;
		this.tokenizers = tokenizers;
		this.embeddings = embeddings;
		this.kafka = kafka;
		this.events = events;
		this.properties = properties;
		this.meters = meters;
	}

	/**
	 * Processes the version if it is still current and unfinished.
	 *
	 * @throws PoisonDocumentException when the document cannot be processed (already marked FAILED)
	 * @throws DependencyUnavailableException and other transient failures: try again later
	 */
	void process(Document document) {
		Document current = this.documents.find(document.id()).orElse(null);
		if (current == null || current.version() != document.version() || current.settled()) {
			return;
		}
		long started = System.nanoTime();
		try {
			run(current);
		}
		catch (PoisonDocumentException ex) {
			failed(current, ex);
			throw ex;
		}
		catch (RuntimeException ex) {
			if (Failures.isTransient(ex)) {
				throw ex;
			}
			// not known to be transient: fail the version visibly (retryable) rather than leave it in progress
			logger.error("Document {} v{} failed unexpectedly", current.id(), current.version(), ex);
			PoisonDocumentException poison = new PoisonDocumentException("internal", Failures.unexpected(ex), ex);
			failed(current, poison);
			throw poison;
		}
		Timer.builder("rag.ingest.document.duration").register(this.meters).record(System.nanoTime() - started,
				TimeUnit.NANOSECONDS);
	}

	/**
	 * Fails the version, if it is still current and unfinished, at the stage it had reached, without running it:
	 * for a record given up on because processing it killed the process.
	 *
	 * @return the stage it failed at, or null when there was nothing to fail
	 */
	String giveUp(Document document, String reason) {
		Document current = this.documents.find(document.id()).orElse(null);
		if (current == null || current.version() != document.version() || current.settled()) {
			return null;
		}
		String stage = switch (current.status()) {
			case RECEIVED -> "parse";
			case PARSED -> "chunk";
			case CHUNKED -> "embed";
			default -> "publish";
		};
		failed(current, new PoisonDocumentException(stage, reason));
		return stage;
	}

	private void failed(Document document, PoisonDocumentException ex) {
		if (this.documents.fail(document.id(), document.version(), ex.stage(), ex.getMessage())) {
			this.events.failed(document, document.version(), ex.stage(), ex.getMessage());
		}
		this.meters.counter("rag.ingest.documents", "outcome", "failed").increment();
	}

	private void run(Document doc) {
		long version = doc.version();
		CollectionSettings collection = this.collections.find(doc.collection())
			.orElseThrow(() -> new PoisonDocumentException("intake", "collection '" + doc.collection()
					+ "' does not exist (create it in retrieval-service first)"));

		String text = this.documents.text(doc.id(), version).orElse(null);
		String title = doc.title();
		if (text == null) {
			byte[] content = this.documents.content(doc.id(), version)
				.orElseThrow(() -> new PoisonDocumentException("intake", "the content of version " + version
						+ " is no longer stored"));
			ParsedDocument parsed;
			try {
				parsed = stage("parse", () -> this.parser.parse(content, doc.mediaType()));
			}
			catch (UnsupportedMediaTypeException ex) {
				throw new PoisonDocumentException("parse", "unsupported document type " + doc.mediaType(), ex);
			}
			catch (UnparseableDocumentException ex) {
				throw new PoisonDocumentException("parse", ex.getMessage(), ex);
			}
			// PostgreSQL text cannot hold NUL; a space of the same length keeps every offset
			text = (parsed.text() != null) ? parsed.text().replace('\u0000', ' ') : null;
			if (text == null || text.isBlank()) {
				throw new PoisonDocumentException("parse", "the document has no text (" + doc.mediaType() + ")");
			}
			// no title given or found in the file: its name stands in, so that search results show it
			title = (title != null) ? title : (parsed.title() != null) ? parsed.title() : doc.fileName();
			if (this.documents.parsed(doc.id(), version, text, title)) {
				this.events.changed(doc, version, DocumentStatus.PARSED, null);
			}
		}

		ModelTokenizers.Model model;
		try {
			model = this.tokenizers.get(collection.embeddingModel());
		}
		catch (EmbeddingRejectedException ex) {
			throw new PoisonDocumentException("chunk", ex.getMessage(), ex);
		}
		ChunkSize size = ChunkSize.fit(collection.targetTokens(), collection.overlapTokens(), model.maxTokens());
		String fullText = text;
		List<TextChunk> chunks = stage("chunk", () -> chunk(fullText, model, size));
		if (this.documents.advance(doc.id(), version, DocumentStatus.CHUNKED, chunks.size())) {
			this.events.changed(doc, version, DocumentStatus.CHUNKED, chunks.size());
		}

		List<String> texts = new ArrayList<>(chunks.size());
		for (TextChunk chunk : chunks) {
			texts.add(text.substring(chunk.start(), chunk.end()));
		}
		List<EmbeddingClient.Embedding> vectors;
		try {
			vectors = stage("embed", () -> this.embeddings.embedDocuments(collection.embeddingModel(),
					collection.defaultTask(), collection.tokenStorage(), texts));
		}
		catch (EmbeddingRejectedException ex) {
			throw new PoisonDocumentException("embed", ex.getMessage(), ex);
		}
		if (!vectors.isEmpty() && vectors.get(0).vector().length != collection.dimensions()) {
			throw new PoisonDocumentException("embed", "the model returned vectors of " + vectors.get(0).vector().length
					+ " dimensions; collection '" + collection.name() + "' has " + collection.dimensions());
		}
		if (!this.documents.isCurrent(doc.id(), version)) {
			return; // a newer version or a deletion arrived meanwhile: these chunks would be ignored anyway
		}
		String shownTitle = title;
		stage("publish", () -> {
			publish(doc, shownTitle, collection, chunks, texts, vectors);
			return null;
		});
		if (this.documents.advance(doc.id(), version, DocumentStatus.EMBEDDED, chunks.size())) {
			this.events.changed(doc, version, DocumentStatus.EMBEDDED, chunks.size());
		}
		this.meters.counter("rag.ingest.documents", "outcome", "embedded").increment();
		this.meters.counter("rag.ingest.chunks").increment(chunks.size());
	}

	/** The text's chunks, within the limits. */
	private List<TextChunk> chunk(String text, ModelTokenizers.Model model, ChunkSize size) {
		// a chunk holds at most targetTokens: more tokens than maxChunks of them cannot fit, so stop counting there
		int maxChunks = this.properties.limits().maxChunks();
		int maxTokens = (int) Math.min(Integer.MAX_VALUE - 1L, (long) maxChunks * size.targetTokens());
		Tokenization tokens = model.tokenizer().tokenize(text, maxTokens);
		if (tokens.count() > maxTokens) {
			throw new PoisonDocumentException("chunk", "the document has more than " + maxTokens + " tokens: more than "
					+ "rag.ingest.limits.max-chunks (" + maxChunks + ") chunks of at most " + size.targetTokens()
					+ " tokens");
		}
		List<TextChunk> chunks = this.chunker.split(text, tokens, size.targetTokens(), size.overlapTokens());
		if (chunks.isEmpty()) {
			throw new PoisonDocumentException("chunk", "the document has no text to chunk");
		}
		if (chunks.size() > this.properties.limits().maxChunks()) {
			throw new PoisonDocumentException("chunk", "the document makes " + chunks.size()
					+ " chunks, more than rag.ingest.limits.max-chunks (" + this.properties.limits().maxChunks() + ")");
		}
		return chunks;
	}

	/** Runs a stage of the pipeline as its own span ({@code ingest parse}…) and timer ({@code rag.ingest.stage}). */
	private <T> T stage(String stage, java.util.function.Supplier<T> work) {
		return Observation.createNotStarted("rag.ingest.stage", this.observations)
			.contextualName("ingest " + stage)
			.lowCardinalityKeyValue("stage", stage)
			.observe(work);
	}

	private void publish(Document doc, String title, CollectionSettings collection, List<TextChunk> chunks,
			List<String> texts, List<EmbeddingClient.Embedding> vectors) {
		List<List<DocumentChunks.Chunk>> parts = new ArrayList<>();
		List<DocumentChunks.Chunk> part = new ArrayList<>();
		long partBytes = 0;
		int perRecord = this.properties.pipeline().chunksPerRecord();
		long maxBytes = this.properties.pipeline().maxRecordSize().toBytes();
		for (int i = 0; i < chunks.size(); i++) {
			TextChunk chunk = chunks.get(i);
			EmbeddingClient.Embedding embedding = vectors.get(i);
			long bytes = recordBytes(texts.get(i), embedding);
			if (bytes > maxBytes) {
				throw new PoisonDocumentException("publish", "chunk " + i + " with its token vectors may take " + bytes
						+ " bytes, more than a record may (rag.ingest.pipeline.max-record-size, " + maxBytes
						+ "): store the collection's token vectors as binary or int8, or make its chunks smaller");
			}
			if (!part.isEmpty() && (part.size() == perRecord || partBytes + bytes > maxBytes)) {
				parts.add(part);
				part = new ArrayList<>();
				partBytes = 0;
			}
			part.add(new DocumentChunks.Chunk(i, texts.get(i), chunk.start(), chunk.end(), metadata(doc, chunk),
					embedding.vector(), embedding.tokenVectors()));
			partBytes += bytes;
		}
		parts.add(part);
		List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>(parts.size());
		for (int p = 0; p < parts.size(); p++) {
			DocumentChunks event = new DocumentChunks(doc.collection(), doc.id().toString(), doc.version(), p,
					parts.size(), chunks.size(), collection.embeddingModel(), title, doc.externalId(), parts.get(p));
			sends.add(this.kafka.send(Topics.CHUNKS, event.key(), event));
		}
		try {
			java.util.concurrent.CompletableFuture.allOf(sends.toArray(java.util.concurrent.CompletableFuture[]::new))
				.get(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DependencyUnavailableException("interrupted while publishing chunks", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new DependencyUnavailableException("Kafka did not take the chunks of " + doc.id() + ": "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * A bound on a chunk's share of a record in JSON: its text (up to 6 bytes a character, escaped), its vector
	 * (up to 16 characters a component), its token vectors in base64, and a kilobyte for offsets and metadata.
	 */
	static long recordBytes(String text, EmbeddingClient.Embedding embedding) {
		long tokens = (embedding.tokenVectors() != null) ? (embedding.tokenVectors().length + 2L) / 3 * 4 : 0;
		return 6L * text.length() + 16L * embedding.vector().length + tokens + 1024;
	}

	/** The document's metadata, plus the heading path of the chunk's section when the document has headings. */
	private static Map<String, Object> metadata(Document doc, TextChunk chunk) {
		if (chunk.headings().isEmpty()) {
			return doc.metadata();
		}
		Map<String, Object> metadata = new HashMap<>(doc.metadata());
		metadata.putIfAbsent("headings", chunk.headings());
		return metadata;
	}

}
