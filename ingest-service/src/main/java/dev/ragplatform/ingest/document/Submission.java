package dev.ragplatform.ingest.document;

import java.util.Map;

/**
 * A document version as it arrives, over REST or Kafka, before anything is done with it.
 *
 * @param collection the collection (known to exist)
 * @param externalId the user's id, or null for a new document every time
 * @param title the title, or null
 * @param metadata metadata, or null
 * @param content the original bytes (UTF-8 for text)
 * @param fileName the file's name, or null
 * @param mediaType the type detected from the content
 * @param source {@code rest} or {@code kafka}
 */
public record Submission(String collection, String externalId, String title, Map<String, Object> metadata,
		byte[] content, String fileName, String mediaType, String source, Long collectionGeneration,
		String idempotencyKey) {
}
