package dev.ragplatform.ingest.pipeline;

import java.util.concurrent.Semaphore;

import org.springframework.util.unit.DataSize;

/**
 * Bounds the memory the pipeline uses by the size of the documents it works on at once, not by their number: a
 * document takes its size out of the budget while it is processed (a single document larger than the budget takes
 * all of it and runs alone). Fair, so a large document waiting for room is not overtaken forever by small ones.
 * A document suspected of having killed the process before runs alone too, so a second crash is its own.
 */
final class BytesInFlight {

	private final int totalKilobytes;

	private final Semaphore kilobytes;

	BytesInFlight(DataSize budget) {
		this.totalKilobytes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget.toKilobytes()));
		this.kilobytes = new Semaphore(this.totalKilobytes, true);
	}

	/** Waits for room for a document of this size (or for the whole budget); returns what to {@link #release}. */
	int acquire(long bytes, boolean alone) throws InterruptedException {
		int share = alone ? this.totalKilobytes
				: (int) Math.max(1, Math.min(this.totalKilobytes, (bytes + 1023) / 1024));
		this.kilobytes.acquire(share);
		return share;
	}

	void release(int share) {
		this.kilobytes.release(share);
	}

	/** Bytes taken by the documents in flight now. */
	long inUse() {
		return (this.totalKilobytes - (long) this.kilobytes.availablePermits()) * 1024;
	}

}
