package dev.ragplatform.rerank.batching;

/** The batching queue has no room for a request now; retry after the given number of seconds. */
public class QueueFullException extends RuntimeException {

	private final long retryAfterSeconds;

	QueueFullException(long retryAfterSeconds) {
		super("the rerank queue is full; retry in " + retryAfterSeconds + " s");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
