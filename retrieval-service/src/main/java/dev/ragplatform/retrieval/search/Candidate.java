package dev.ragplatform.retrieval.search;

/**
 * A chunk found by one ranking, with that ranking's score (higher is better).
 *
 * @param documentId the document
 * @param chunkIndex position of the chunk in the document
 * @param version the document version
 * @param text the chunk's text
 * @param startOffset offset of its first character in the document
 * @param endOffset offset after its last character
 * @param metadata JSON object
 * @param score the ranking's score
 */
record Candidate(String documentId, int chunkIndex, long version, String text, int startOffset, int endOffset,
		String metadata, double score) {

	/** Identifies the chunk across rankings. */
	String key() {
		return this.documentId + "#" + this.chunkIndex;
	}

}
