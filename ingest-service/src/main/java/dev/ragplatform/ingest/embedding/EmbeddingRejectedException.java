package dev.ragplatform.ingest.embedding;

/** embedding-service refused the input itself (unknown model or task): retrying cannot help. */
public class EmbeddingRejectedException extends RuntimeException {

	EmbeddingRejectedException(String message) {
		super(message);
	}

}
