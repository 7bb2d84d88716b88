package dev.ragplatform.retrieval.index;

/** A record that can never be indexed as it is: it goes to the dead-letter topic with this message as the reason. */
class PoisonRecordException extends RuntimeException {

	PoisonRecordException(String reason) {
		super(reason);
	}

	PoisonRecordException(String reason, Throwable cause) {
		super(reason, cause);
	}

	/**
	 * Chunks for a collection this service does not have: deleted since they were sent (its deletion already ended
	 * the documents), or another installation's records on a shared topic. Dead-lettered, but not announced as the
	 * document's failure: the document is not this service's to fail.
	 */
	static final class UnknownCollection extends PoisonRecordException {

		UnknownCollection(String collection) {
			super("unknown collection '" + collection + "'");
		}

	}

}
