package dev.ragplatform.ingest.connector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import dev.ragplatform.ingest.pipeline.DocumentIntake;
import dev.ragplatform.runtime.problem.ServiceProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Imports a Java API into a collection: one document per public method or constructor (see
 * {@link JavaApiExtractor}), each submitted like a REST text document with its overload-unique id as
 * {@code externalId}, so importing the same sources again changes nothing and a newer JDK replaces what changed.
 * Runs as a job in the background; its progress is kept in memory.
 */
@Service
public class JavaSourceConnector {

	private static final Logger logger = LoggerFactory.getLogger(JavaSourceConnector.class);

	private final DocumentIntake intake;

	private final List<Path> allowedRoots;

	private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();

	JavaSourceConnector(DocumentIntake intake, IngestProperties properties) {
		this.intake = intake;
		this.allowedRoots = properties.connectors().allowedRoots().stream().map((p) -> p.toAbsolutePath().normalize())
			.toList();
	}

	public Job start(String collection, String path, Set<String> modules, List<String> packages) {
		if (path == null || path.isBlank()) {
			throw ServiceProblem.badRequest("path is required: a JDK lib/src.zip or a Maven -sources.jar");
		}
		Path archive;
		try {
			archive = Path.of(path).toAbsolutePath().normalize();
		}
		catch (java.nio.file.InvalidPathException ex) {
			throw ServiceProblem.badRequest("path is not a valid path: " + ex.getMessage());
		}
		if (this.allowedRoots.stream().noneMatch(archive::startsWith)) {
			throw ServiceProblem.badRequest("path must be under one of rag.ingest.connectors.allowed-roots "
					+ this.allowedRoots);
		}
		if (!Files.isRegularFile(archive)) {
			throw ServiceProblem.notFound("No source archive at " + archive + ".");
		}
		this.intake.requireCollection(collection);
		Job job = new Job(UUID.randomUUID(), collection, archive.toString(), modules, packages, Instant.now());
		this.jobs.put(job.id, job);
		Thread.ofVirtual().name("java-api-import-" + job.id).start(() -> run(job, archive));
		return job;
	}

	public Job get(String collection, UUID id) {
		Job job = this.jobs.get(id);
		if (job == null || !job.collection.equals(collection)) {
			throw ServiceProblem.notFound("No Java source import " + id + " in collection '" + collection + "'.");
		}
		return job;
	}

	private void run(Job job, Path archive) {
		try {
			int failedFiles = JavaApiExtractor.extract(archive, job.modules, job.packages, (doc) -> {
				job.found.incrementAndGet();
				try {
					Registration registration = this.intake.submitText(job.collection, doc.id(), doc.api(), doc.text(),
							doc.metadata(), null);
					(registration.unchanged() ? job.unchanged : job.submitted).incrementAndGet();
				}
				catch (RuntimeException ex) {
					job.failed.incrementAndGet();
					job.lastError = publicReason(ex);
					if (!(ex instanceof org.springframework.web.ErrorResponseException)) {
						logger.warn("Java source import {}: {} failed", job.id, doc.id(), ex);
					}
				}
			});
			job.unparseableFiles = failedFiles;
			job.state = "DONE";
		}
		catch (Exception ex) {
			logger.warn("Java source import {} failed", job.id, ex);
			job.lastError = publicReason(ex);
			job.state = "FAILED";
		}
		job.finishedAt = Instant.now();
	}

	/** An import's progress. */
	public static final class Job {

		final UUID id;

		final String collection;

		final String path;

		final Set<String> modules;

		final List<String> packages;

		final Instant startedAt;

		final AtomicLong found = new AtomicLong();

		final AtomicLong submitted = new AtomicLong();

		final AtomicLong unchanged = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		volatile int unparseableFiles;

		volatile String state = "RUNNING";

		volatile String lastError;

		volatile Instant finishedAt;

		Job(UUID id, String collection, String path, Set<String> modules, List<String> packages, Instant startedAt) {
			this.id = id;
			this.collection = collection;
			this.path = path;
			this.modules = modules;
			this.packages = packages;
			this.startedAt = startedAt;
		}

		public View view() {
			return new View(this.id.toString(), this.collection, this.path, this.modules, this.packages, this.state,
					this.found.get(), this.submitted.get(), this.unchanged.get(), this.failed.get(),
					this.unparseableFiles, this.lastError, this.startedAt, this.finishedAt,
					"/v1/collections/" + this.collection + "/sources/java/" + this.id);
		}

	}

	/**
	 * @param found API documents read so far
	 * @param submitted new or changed documents queued for the pipeline
	 * @param unchanged documents already ingested with the same content
	 */
	public record View(String jobId, String collection, String path, Set<String> modules, List<String> packages,
			String state, long found, long submitted, long unchanged, long failed, int unparseableFiles,
			String lastError, Instant startedAt, Instant finishedAt, String statusUrl) {
	}


	/** Our own refusals (a 4xx problem) as they are; anything else by its kind only, the rest is in the log. */
	private static String publicReason(Exception ex) {
		if (ex instanceof org.springframework.web.ErrorResponseException problem
				&& problem.getBody().getDetail() != null) {
			return problem.getBody().getDetail();
		}
		return "unexpected failure (" + ex.getClass().getSimpleName() + "); the details are in ingest-service's log";
	}

}
