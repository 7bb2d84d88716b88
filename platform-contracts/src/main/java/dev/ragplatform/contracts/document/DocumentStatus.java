package dev.ragplatform.contracts.document;

/** Where a document version is on its way to search. */
public enum DocumentStatus {

	RECEIVED, PARSED, CHUNKED, EMBEDDED, INDEXED, FAILED, DELETED;

	/** Whether the version needs no more work. */
	public boolean isFinal() {
		return this == INDEXED || this == FAILED || this == DELETED;
	}

}
