package dev.ragplatform.runtime.batching;

/** The batching queue has no room for a request now; retry after the given number of seconds. */
public class QueueFullException extends RuntimeException {

	private final long retryAfterSeconds;

	QueueFullException(String name, long retryAfterSeconds) {
		super("the queue of " + name + " is full; retry in " + retryAfterSeconds + " s");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
