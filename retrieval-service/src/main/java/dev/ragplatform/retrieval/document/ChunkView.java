package dev.ragplatform.retrieval.document;

import tools.jackson.databind.JsonNode;

/** One stored chunk, with offsets into its document's parsed text. */
record ChunkView(String documentId, int chunkIndex, long version, String text, int startOffset, int endOffset,
		JsonNode metadata, int tokenCount, String contentSha256) {
}
