package dev.ragplatform.retrieval.adapter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.Distance;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.problem.ServiceProblem;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The adapter job queue: one job at a time per service instance, in the background, queued up to
 * {@code max-queued-jobs}. A job's recipe ({@link LabelsRecipe}, {@link DistillationRecipe}) turns its supervision
 * into training queries with a held-out split and hard negatives; this class trains on them and stores the weights
 * with the held-out metrics of the adapter and of the unadapted baseline. {@link JobHeartbeat} keeps the held jobs'
 * rows alive.
 */
@Service
class AdapterJobs {

	private static final Logger logger = LoggerFactory.getLogger(AdapterJobs.class);

	static final String LABELS = "labels";

	static final String DISTILLATION = "distillation";

	private final AdapterRepository repository;

	private final LabelsRecipe labels;

	private final DistillationRecipe distillation;

	private final AdapterRegistry registry;

	private final RetrievalProperties.Adapters defaults;

	private final ThreadPoolExecutor executor;

	private final Map<UUID, Job> held = new ConcurrentHashMap<>();

	AdapterJobs(AdapterRepository repository, LabelsRecipe labels, DistillationRecipe distillation,
			AdapterRegistry registry, RetrievalProperties properties) {
		this.repository = repository;
		this.labels = labels;
		this.distillation = distillation;
		this.registry = registry;
		this.defaults = properties.adapters();
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(Math.max(1, this.defaults.maxQueuedJobs())),
				Thread.ofPlatform().name("adapter-training-", 0).daemon(true).factory());
	}

	@PreDestroy
	void stop() {
		this.held.values().forEach(Job::cancel);
		this.executor.shutdownNow();
	}

	/** The jobs this instance holds (queued or running), by id: live, for the heartbeat. */
	Map<UUID, Job> held() {
		return this.held;
	}

	/** Checks the request, records the job and queues it. */
	AdapterRepository.Row start(Collection collection, TrainRequest request) {
		if (collection.distance() == Distance.L2) {
			throw ServiceProblem.badRequest("adapters need a cosine or inner_product collection; '"
					+ collection.name() + "' uses l2");
		}
		boolean fromLabels = request.labels() != null;
		if (fromLabels == (request.distillation() != null)) {
			throw ServiceProblem.badRequest("give exactly one of labels (query → documents pairs) or "
					+ "distillation (queries and a teacher)");
		}
		JobSettings settings = JobSettings.of(request, this.defaults);
		String task = (request.task() != null && !request.task().isBlank()) ? request.task() : collection.defaultTask();
		Map<String, Object> recorded = new LinkedHashMap<>(settings.asMap());
		Job job = new Job(UUID.randomUUID(), this.repository);
		String digest;
		Supplier<TrainingSet> prepare;
		if (fromLabels) {
			List<LabelPair> pairs = JobSettings.checkedPairs(request.labels().pairs(), this.defaults.maxQueries());
			String field = JobSettings.targetField(request.labels().targetField());
			recorded.put("targetField", field);
			recorded.put("pairs", pairs.size());
			digest = digest(pairs.stream().map((p) -> p.query() + "\u0001" + String.join("\u0002", p.targets())),
					field);
			prepare = () -> this.labels.prepare(job, collection, task, settings, field, pairs);
		}
		else {
			List<String> queries = JobSettings.checkedQueries(request.distillation().queries(),
					this.defaults.maxQueries());
			recorded.put("teacher", settings.teacher());
			recorded.put("teacherDepth", settings.teacherDepth());
			recorded.put("teacherRankTemperature", settings.teacherRankTemperature());
			recorded.put("objective", settings.objective());
			if (settings.pseudoLabels()) {
				recorded.put("positives", settings.teacherPositives());
			}
			recorded.put("queries", queries.size());
			digest = digest(queries.stream(), settings.teacher());
			prepare = () -> this.distillation.prepare(job, collection, task, settings, queries);
		}
		if (this.executor.getQueue().remainingCapacity() == 0) {
			throw ServiceProblem.tooManyRequests(this.executor.getQueue().size()
					+ " adapter jobs are already queued; wait for one to finish", 60);
		}
		AdapterRepository.Row row = this.repository.insert(job.id(), collection.id(), request.name(),
				fromLabels ? LABELS : DISTILLATION, task, collection.embeddingModel(), collection.dimensions(),
				settings.rank(), digest, recorded);
		this.held.put(job.id(), job);
		job.phase("queued", 0, 0);
		try {
			this.executor.execute(() -> run(job, collection, settings, prepare, request.activate()));
		}
		catch (RejectedExecutionException ex) {
			this.held.remove(job.id());
			this.repository.fail(job.id(), "refused: the job queue is full");
			throw ServiceProblem.tooManyRequests("the adapter job queue is full; try again later", 60);
		}
		return row;
	}

	/** Live progress of a job this instance holds, else null. */
	Map<String, Object> progress(UUID id) {
		Job job = this.held.get(id);
		return (job != null) ? job.progress() : null;
	}

	/** Asks a queued or running job to stop; false when it had already ended. */
	boolean cancel(UUID id) {
		// the row first: a job that sees its flag marks itself cancelled at once, which must not make this call
		// look as if the job had already ended
		boolean cancelled = this.repository.cancel(id);
		Job job = this.held.get(id);
		if (job != null) {
			job.cancel();
		}
		return cancelled;
	}

	private void run(Job job, Collection collection, JobSettings settings, Supplier<TrainingSet> prepare,
			Boolean activate) {
		UUID id = job.id();
		try {
			if (!this.repository.transition(id, "queued", "training")) {
				return; // cancelled while queued
			}
			train(job, collection, settings, prepare.get(), activate);
		}
		catch (CancellationException ex) {
			this.repository.cancel(id);
		}
		catch (Exception | OutOfMemoryError ex) {
			logger.warn("adapter job {} failed", id, ex);
			// our own refusals as they are; anything else by its kind, its message (hosts, SQL) only in the log
			this.repository.fail(id, (ex instanceof IllegalArgumentException || ex instanceof ServiceProblem)
					? message(ex) : ex.getClass().getSimpleName() + "; the details are in retrieval-service's log");
		}
		finally {
			this.held.remove(id);
		}
	}

	private void train(Job job, Collection collection, JobSettings settings, TrainingSet set, Boolean activate) {
		UUID id = job.id();
		long t = System.nanoTime();
		Map<String, Object> metrics = set.metrics();
		List<Map<String, Object>> epochs = new ArrayList<>();
		AdapterTrainer trainer = new AdapterTrainer(set.chunks(), new AdapterTrainer.Settings(settings.rank(),
				settings.epochs(), settings.batchSize(), settings.learningRate(), settings.weightDecay(),
				settings.temperature(), settings.seed()));
		job.phase("training", 0, settings.epochs());
		AdapterTrainer.Result result = trainer.train(set.examples(), set.validation(), new AdapterTrainer.Listener() {
			@Override
			public void epoch(int epoch, int total, double loss, AdapterTrainer.Quality quality) {
				Map<String, Object> e = new LinkedHashMap<>();
				e.put("epoch", epoch);
				e.put("loss", Math.round(loss * 10000) / 10000.0);
				e.put("validation", quality.asMap());
				epochs.add(e);
				Map<String, Object> p = job.phase("training", epoch, total);
				p.put("epochs", List.copyOf(epochs));
				AdapterJobs.this.repository.progress(id, p);
			}

			@Override
			public void step(int done, int total) {
				job.steps(done, total);
			}
		}, job::isCancelled);
		metrics.put("trainingQueries", set.examples().size());
		metrics.put("validationQueries", set.validation().size());
		metrics.put("chunks", set.chunks().size());
		metrics.put("trainSeconds", TrainingSet.seconds(t));
		metrics.put("epochs", epochs);
		metrics.put("bestEpoch", result.bestEpoch());
		metrics.put("baseline", result.baseline().asMap());
		metrics.put("validation", result.best().asMap());
		boolean beats = result.best().ndcg10() > result.baseline().ndcg10();
		metrics.put("beatsBaseline", beats);
		boolean activated = Boolean.TRUE.equals(activate) && beats;
		if (!this.repository.finish(collection.id(), id, result.adapter().toBytes(), metrics, activated)) {
			throw new CancellationException("cancelled");
		}
		if (activated) {
			this.registry.evict(collection.id());
		}
		logger.info("adapter {} of '{}': held-out nDCG@10 {} → {} ({} queries){}", id, collection.name(),
				result.baseline().ndcg10(), result.best().ndcg10(), set.validation().size(),
				activated ? ", activated" : "");
	}

	private static String message(Throwable ex) {
		return (ex instanceof ServiceProblem p) ? p.detail() : String.valueOf(ex.getMessage());
	}

	private static String digest(Stream<String> items, String salt) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(salt.getBytes(StandardCharsets.UTF_8));
			items.forEach((s) -> {
				sha.update((byte) 0);
				sha.update(s.getBytes(StandardCharsets.UTF_8));
			});
			return "sha256:" + HexFormat.of().formatHex(sha.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
