package dev.ragplatform.retrieval.adapter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A training job this instance holds, queued or running: its cancel flag and its live progress. A change of phase
 * is also written to the job's row, so that other replicas and a later restart see where it got to.
 */
final class Job {

	private final UUID id;

	private final AdapterRepository repository;

	private final AtomicBoolean cancelled = new AtomicBoolean();

	private final Map<String, Object> progress = new ConcurrentHashMap<>();

	Job(UUID id, AdapterRepository repository) {
		this.id = id;
		this.repository = repository;
	}

	UUID id() {
		return this.id;
	}

	/** Enters (or advances within) a phase; a new phase is stored in the row. */
	Map<String, Object> phase(String phase, long done, long total) {
		String previous = (String) this.progress.put("phase", phase);
		this.progress.put("done", done);
		this.progress.put("total", total);
		if (!phase.equals(previous) && !phase.equals("queued")) {
			this.repository.progress(this.id, new LinkedHashMap<>(this.progress));
		}
		return this.progress;
	}

	/** Optimiser steps within the current epoch: live only, never stored. */
	void steps(int done, int total) {
		this.progress.put("steps", done);
		this.progress.put("totalSteps", total);
	}

	Map<String, Object> progress() {
		return this.progress;
	}

	/** Asks the job to stop; true when it had not been asked before. */
	boolean cancel() {
		return !this.cancelled.getAndSet(true);
	}

	boolean isCancelled() {
		return this.cancelled.get();
	}

	void checkCancelled() {
		if (isCancelled()) {
			throw new CancellationException("cancelled");
		}
	}

}
