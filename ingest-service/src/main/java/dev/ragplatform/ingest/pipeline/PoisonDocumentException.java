package dev.ragplatform.ingest.pipeline;

/**
 * The document cannot be processed as it is (unparseable, empty, unknown collection, refused by the model):
 * it is marked {@code FAILED} with the reason, its record goes to the dead-letter topic, and the partition moves on.
 */
class PoisonDocumentException extends RuntimeException {

	private final String stage;

	PoisonDocumentException(String stage, String reason) {
		super(reason);
		this.stage = stage;
	}

	PoisonDocumentException(String stage, String reason, Throwable cause) {
		super(reason, cause);
		this.stage = stage;
	}

	/** The stage that failed: {@code intake parse chunk embed publish}. */
	String stage() {
		return this.stage;
	}

}
