package dev.ragplatform.ingest.parse;

/** The document is of a supported type but its text cannot be had; the message says why, for the uploader. */
public class UnparseableDocumentException extends RuntimeException {

	public UnparseableDocumentException(String reason, Throwable cause) {
		super(reason, cause);
	}

	public String reason() {
		return getMessage();
	}

}
