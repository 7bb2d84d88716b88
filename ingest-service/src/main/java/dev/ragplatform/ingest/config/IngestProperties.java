package dev.ragplatform.ingest.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything ingest-service can be configured with ({@code rag.ingest.*}); defaults in {@code application.yaml}.
 *
 * @param embedding embedding-service: chunk vectors and the model's tokenizer
 * @param retrieval retrieval-service: collection settings
 * @param limits what a document may be
 * @param pipeline the Kafka consumer that processes documents
 * @param connectors sources the service reads itself
 */
@Validated
@ConfigurationProperties("rag.ingest")
public record IngestProperties(@Valid @NotNull Embedding embedding, @Valid @NotNull Retrieval retrieval,
		@Valid @NotNull Limits limits, @Valid @NotNull Pipeline pipeline, @Valid @NotNull Connectors connectors) {

	/**
	 * @param url base URL of embedding-service
	 * @param timeout read timeout of one call (a call waits in the service's batching queue too)
	 * @param batchSize chunks per call; a document's calls run concurrently
	 * @param maxConcurrentCalls bulkhead: calls in flight at once across all documents
	 * @param retryAttempts attempts per call for transient failures (5xx, connection), with back-off; a 429 (busy) is
	 * not a failure: the call waits for its {@code Retry-After} and is repeated
	 * @param retryBackoff first back-off, doubled per attempt
	 * @param failureRateThreshold per cent of failed calls that opens the circuit breaker
	 * @param openFor how long the open breaker keeps the pipeline paused before it tries again
	 */
	public record Embedding(@NotNull URI url, @NotNull Duration timeout, @Min(1) @Max(2048) int batchSize,
			@Min(1) int maxConcurrentCalls, @Min(1) int retryAttempts, @NotNull Duration retryBackoff,
			@Min(1) @Max(100) int failureRateThreshold, @NotNull Duration openFor) {
	}

	/**
	 * @param url base URL of retrieval-service
	 * @param timeout read timeout
	 * @param cacheFor how long a collection's settings are reused before they are asked for again
	 */
	public record Retrieval(@NotNull URI url, @NotNull Duration timeout, @NotNull Duration cacheFor) {
	}

	/**
	 * @param maxDocumentSize largest file or text accepted (413 above it; Kafka records are bounded by the broker too)
	 * @param maxChunks most chunks one document may produce
	 * @param idempotencyKeysFor how long an {@code Idempotency-Key} of a submission is remembered
	 * @param parseTimeout how long parsing one document may take before it fails at {@code parse}
	 */
	public record Limits(@NotNull DataSize maxDocumentSize, @Min(1) int maxChunks,
			@NotNull Duration idempotencyKeysFor, @NotNull Duration parseTimeout) {
	}

	/**
	 * @param partitions partitions of the topics this service creates (the parallelism of the pipeline)
	 * @param concurrency consumer threads of {@code rag.documents.v1}
	 * @param maxBytesInFlight total size of the documents processed at once (a larger one runs alone): what bounds the
	 * pipeline's memory (tokenising a text peaks at about 6 times its size)
	 * @param maxDeliveries starts of a record's processing that may end with the process gone (out of memory, a
	 * crash) before the record is given up: its document FAILED with the reason, the record dead-lettered
	 * @param chunksPerRecord chunks per {@code rag.chunks.v1} record; larger documents are sent in parts
	 * @param maxRecordSize what one {@code rag.chunks.v1} record may take at most (under the broker's
	 * {@code message.max.bytes}, 1 MB by default): a part ends early when its chunks' token vectors would pass it
	 * @param maxBackoff longest wait between retries of a batch while a dependency is down
	 * @param requeueAfter how long a stored document may wait for Kafka to take its record before it is sent again
	 * (and how often that is checked)
	 * @param replicationFactor copies of each partition of the topics this service creates
	 * @param minInsyncReplicas copies that must have a record before the broker acknowledges it
	 * @param interactiveMaxSize largest REST document sent on the interactive lane
	 * @param interactiveMaxInProgress a REST document goes on the interactive lane while its collection has at most
	 * this many documents in progress; beyond, on the bulk lane ({@code rag.documents.v1})
	 */
	public record Pipeline(@Min(1) int partitions, @Min(1) int concurrency, @NotNull DataSize maxBytesInFlight,
			@Min(1) int maxDeliveries, @Min(1) @Max(1000) int chunksPerRecord, @NotNull DataSize maxRecordSize,
			@NotNull Duration maxBackoff,
			@NotNull Duration requeueAfter, @Min(1) int replicationFactor, @Min(1) int minInsyncReplicas,
			@NotNull DataSize interactiveMaxSize,
			@jakarta.validation.constraints.PositiveOrZero int interactiveMaxInProgress) {
	}

	/**
	 * @param allowedRoots directories under which the Java API connector may read source archives by path (it
	 * reads the server's file system, so only where an operator allows it)
	 */
	public record Connectors(@NotNull java.util.List<java.nio.file.Path> allowedRoots) {
	}

}
