package dev.ragplatform.retrieval.index;

/** A record that can never be indexed as it is: it goes to the dead-letter topic with this message as the reason. */
class PoisonRecordException extends RuntimeException {

	PoisonRecordException(String reason) {
		super(reason);
	}

	PoisonRecordException(String reason, Throwable cause) {
		super(reason, cause);
	}

}
