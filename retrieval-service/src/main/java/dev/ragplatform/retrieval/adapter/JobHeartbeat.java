package dev.ragplatform.retrieval.adapter;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Keeps this instance's queued and running jobs alive in the table, and fails any instance's jobs whose heartbeat
 * stopped: their instance was stopped or crashed, and no one else will ever finish them.
 */
@Component
class JobHeartbeat {

	private static final Logger logger = LoggerFactory.getLogger(JobHeartbeat.class);

	private final AdapterRepository repository;

	private final Map<UUID, Job> held;

	private final RetrievalProperties.Adapters settings;

	private final ScheduledExecutorService scheduler;

	JobHeartbeat(AdapterRepository repository, AdapterJobs jobs, RetrievalProperties properties) {
		this.repository = repository;
		this.held = jobs.held();
		this.settings = properties.adapters();
		if (this.settings.staleAfter().compareTo(this.settings.heartbeat().multipliedBy(3)) < 0) {
			throw new IllegalStateException("rag.retrieval.adapters.stale-after (" + this.settings.staleAfter()
					+ ") must be at least 3 × heartbeat (" + this.settings.heartbeat() + "), or live jobs are failed "
					+ "as interrupted");
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("adapter-heartbeat").daemon(true).factory());
		long every = Math.max(100, this.settings.heartbeat().toMillis());
		this.scheduler.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
	}

	@PreDestroy
	void stop() {
		this.scheduler.shutdownNow();
	}

	void beat() {
		try {
			Set<UUID> ids = Set.copyOf(this.held.keySet());
			Set<UUID> alive = Set.copyOf(this.repository.heartbeat(ids));
			for (UUID id : ids) {
				// its row ended elsewhere (cancelled through another replica, failed as stale): stop working on it
				Job job = this.held.get(id);
				if (!alive.contains(id) && job != null && job.cancel()) {
					logger.info("Adapter job {} was ended by another instance; stopping it here", id);
				}
			}
			for (UUID id : this.repository.failStale(this.settings.staleAfter())) {
				logger.warn("Adapter job {} had no heartbeat for {}: its instance stopped; marked failed", id,
						this.settings.staleAfter());
			}
		}
		catch (Throwable ex) {
			// the database is away (or worse): the next beat tries again, and the jobs' rows stay as they are meanwhile;
			// nothing may escape, or the scheduler would never beat again
			logger.warn("Adapter heartbeat failed: {}", ex.toString());
		}
	}

}
