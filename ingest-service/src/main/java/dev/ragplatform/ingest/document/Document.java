package dev.ragplatform.ingest.document;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.contracts.document.DocumentStatus;

/**
 * A document as ingest-service tracks it: its current version and that version's progress.
 *
 * @param id the document's id (also its id in retrieval-service)
 * @param collection the collection
 * @param externalId the id the user's system knows it by (the id itself when none was given)
 * @param version the current version
 * @param status where the current version is
 * @param failedStage for {@code FAILED}: the stage that failed ({@code intake parse chunk embed publish})
 * @param failureReason for {@code FAILED}: why
 * @param title the title
 * @param fileName the uploaded file's name, if any
 * @param mediaType the detected type
 * @param sizeBytes size of the original content
 * @param metadata metadata copied onto every chunk
 * @param source {@code rest} or {@code kafka}
 * @param chunkCount chunks of the version, once chunked
 * @param chunksEmbedded chunks embedded so far
 * @param attempts how many times the version was processed from the start (retries count)
 * @param traceId the trace of the request or record that submitted the version, or null
 */
public record Document(UUID id, String collection, String externalId, long version, DocumentStatus status,
		String failedStage, String failureReason, String title, String fileName, String mediaType, long sizeBytes,
		Map<String, Object> metadata, String source, Integer chunkCount, int chunksEmbedded, int attempts,
		OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime indexedAt, String traceId) {

	/** Whether the version needs no more work from the pipeline (a retry or a new version can change that). */
	public boolean settled() {
		return this.status == DocumentStatus.EMBEDDED || this.status.isFinal();
	}

}
