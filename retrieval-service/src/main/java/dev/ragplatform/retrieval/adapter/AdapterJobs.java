package dev.ragplatform.retrieval.adapter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.Distance;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.embedding.EmbeddingClient;
import dev.ragplatform.runtime.problem.ServiceProblem;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Adapter training jobs: one at a time per service instance, in the background, queued up to
 * {@code max-queued-jobs}. A job loads the collection's chunk vectors, turns its supervision into training queries
 * (labels: the chunks of the labelled documents; distillation: the teacher's ranking), holds out a validation split
 * of whole queries, mines hard negatives with the unadapted queries, trains, and stores the weights with the
 * held-out metrics of the adapter and of the unadapted baseline.
 */
@Service
class AdapterJobs {

	private static final Logger logger = LoggerFactory.getLogger(AdapterJobs.class);

	static final String LABELS = "labels";

	static final String DISTILLATION = "distillation";

	private final AdapterRepository repository;

	private final EmbeddingClient embeddings;

	private final Teacher teacher;

	private final JdbcTemplate jdbc;

	private final RetrievalProperties.Adapters defaults;

	private final AdapterRegistry registry;

	private final ThreadPoolExecutor executor;

	private final ScheduledExecutorService heartbeat;

	private final Map<UUID, AtomicBoolean> cancelled = new ConcurrentHashMap<>();

	private final Map<UUID, Map<String, Object>> progress = new ConcurrentHashMap<>();

	private final com.github.benmanes.caffeine.cache.Cache<List<Object>, List<Teacher.ChunkRef>> teacherRankings =
			com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
				.maximumWeight(500_000) // chunk references, about 30 MB
				.<List<Object>, List<Teacher.ChunkRef>>weigher((k, v) -> v.size() + 1)
				.build();

	AdapterJobs(AdapterRepository repository, EmbeddingClient embeddings, Teacher teacher, JdbcTemplate jdbc,
			RetrievalProperties properties, AdapterRegistry registry) {
		this.repository = repository;
		this.embeddings = embeddings;
		this.teacher = teacher;
		this.jdbc = jdbc;
		this.defaults = properties.adapters();
		this.registry = registry;
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(Math.max(1, this.defaults.maxQueuedJobs())),
				Thread.ofPlatform().name("adapter-training-", 0).daemon(true).factory());
		this.heartbeat = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("adapter-heartbeat").daemon(true).factory());
		if (this.defaults.staleAfter().compareTo(this.defaults.heartbeat().multipliedBy(3)) < 0) {
			throw new IllegalStateException("rag.retrieval.adapters.stale-after (" + this.defaults.staleAfter()
					+ ") must be at least 3 × heartbeat (" + this.defaults.heartbeat() + "), or live jobs are failed "
					+ "as interrupted");
		}
		long every = Math.max(100, this.defaults.heartbeat().toMillis());
		this.heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
	}

	@PreDestroy
	void stop() {
		this.heartbeat.shutdownNow();
		this.cancelled.values().forEach((flag) -> flag.set(true));
		this.executor.shutdownNow();
	}

	/**
	 * Keeps this instance's queued and running jobs alive in the table, and fails any instance's jobs whose heartbeat
	 * stopped: their instance was stopped or crashed, and no one else will ever finish them.
	 */
	void beat() {
		try {
			Set<UUID> held = Set.copyOf(this.cancelled.keySet());
			Set<UUID> alive = Set.copyOf(this.repository.heartbeat(held));
			for (UUID id : held) {
				// its row ended elsewhere (cancelled through another replica, failed as stale): stop working on it
				AtomicBoolean flag = this.cancelled.get(id);
				if (!alive.contains(id) && flag != null && !flag.getAndSet(true)) {
					logger.info("Adapter job {} was ended by another instance; stopping it here", id);
				}
			}
			for (UUID id : this.repository.failStale(this.defaults.staleAfter())) {
				logger.warn("Adapter job {} had no heartbeat for {}: its instance stopped; marked failed", id,
						this.defaults.staleAfter());
			}
		}
		catch (Throwable ex) {
			// the database is away (or worse): the next beat tries again, and the jobs' rows stay as they are meanwhile;
			// nothing may escape, or the scheduler would never beat again
			logger.warn("Adapter heartbeat failed: {}", ex.toString());
		}
	}

	/** The settings a job runs with: the request's, else the defaults. */
	record Settings(int rank, int epochs, int batchSize, double learningRate, double weightDecay, double temperature,
			int hardNegatives, double validationFraction, int maxValidationQueries, long seed, int teacherDepth,
			double teacherRankTemperature, int teacherRelevant, String teacher, String objective,
			int teacherPositives) {

		/** The teacher is hybrid search reranked by rerank-service. */
		boolean teacherRerank() {
			return "rerank".equals(this.teacher);
		}

		/** The teacher's first documents are positives (else its whole ranking is learnt listwise). */
		boolean pseudoLabels() {
			return PSEUDO_LABELS.equals(this.objective);
		}

		Map<String, Object> asMap() {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("rank", this.rank);
			m.put("epochs", this.epochs);
			m.put("batchSize", this.batchSize);
			m.put("learningRate", this.learningRate);
			m.put("weightDecay", this.weightDecay);
			m.put("temperature", this.temperature);
			m.put("hardNegatives", this.hardNegatives);
			m.put("validationFraction", this.validationFraction);
			m.put("maxValidationQueries", this.maxValidationQueries);
			m.put("seed", this.seed);
			return m;
		}

	}

	/** Checks the request, records the job and queues it. */
	AdapterRepository.Row start(Collection collection, TrainRequest request) {
		if (collection.distance() == Distance.L2) {
			throw ServiceProblem.badRequest("adapters need a cosine or inner_product collection; '"
					+ collection.name() + "' uses l2");
		}
		boolean labels = request.labels() != null;
		if (labels == (request.distillation() != null)) {
			throw ServiceProblem.badRequest("give exactly one of labels (query → documents pairs) or "
					+ "distillation (queries and a teacher)");
		}
		Settings settings = settings(request);
		String task = (request.task() != null && !request.task().isBlank()) ? request.task() : collection.defaultTask();
		Map<String, Object> recorded = new LinkedHashMap<>(settings.asMap());
		String digest;
		Runnable work;
		UUID id = UUID.randomUUID();
		if (labels) {
			List<LabelPair> pairs = checkedPairs(request.labels().pairs());
			String field = targetField(request.labels().targetField());
			recorded.put("targetField", field);
			recorded.put("pairs", pairs.size());
			digest = digest(pairs.stream().map((p) -> p.query() + "\u0001" + String.join("\u0002", p.targets())),
					field);
			work = () -> runLabels(id, collection, task, settings, field, pairs, request.activate());
		}
		else {
			Distillation d = request.distillation();
			List<String> queries = checkedQueries(d.queries());
			recorded.put("teacher", settings.teacher);
			recorded.put("teacherDepth", settings.teacherDepth);
			recorded.put("teacherRankTemperature", settings.teacherRankTemperature);
			recorded.put("objective", settings.objective);
			if (settings.pseudoLabels()) {
				recorded.put("positives", settings.teacherPositives);
			}
			recorded.put("queries", queries.size());
			digest = digest(queries.stream(), settings.teacher);
			work = () -> runDistillation(id, collection, task, settings, queries, request.activate());
		}
		if (this.executor.getQueue().remainingCapacity() == 0) {
			throw ServiceProblem.tooManyRequests(this.executor.getQueue().size()
					+ " adapter jobs are already queued; wait for one to finish", 60);
		}
		AdapterRepository.Row row = this.repository.insert(id, collection.id(), request.name(),
				labels ? LABELS : DISTILLATION, task, collection.embeddingModel(), collection.dimensions(),
				settings.rank, digest, recorded);
		this.cancelled.put(id, new AtomicBoolean());
		phase(id, "queued", 0, 0);
		try {
			this.executor.execute(work);
		}
		catch (RejectedExecutionException ex) {
			this.cancelled.remove(id);
			this.progress.remove(id);
			this.repository.fail(id, "refused: the job queue is full");
			throw ServiceProblem.tooManyRequests("the adapter job queue is full; try again later", 60);
		}
		return row;
	}

	/** Live progress of a job this instance runs, else what was last stored. */
	Map<String, Object> progress(UUID id) {
		return this.progress.get(id);
	}

	/** Asks a queued or running job to stop; false when it had already ended. */
	boolean cancel(UUID id) {
		// the row first: a job that sees its flag marks itself cancelled at once, which must not make this call
		// look as if the job had already ended
		boolean cancelled = this.repository.cancel(id);
		AtomicBoolean flag = this.cancelled.get(id);
		if (flag != null) {
			flag.set(true);
		}
		return cancelled;
	}

	private Settings settings(TrainRequest r) {
		RetrievalProperties.Adapters d = this.defaults;
		Settings s = new Settings(or(r.rank(), d.rank()), or(r.epochs(), d.epochs()), or(r.batchSize(), d.batchSize()),
				or(r.learningRate(), d.learningRate()), or(r.weightDecay(), d.weightDecay()),
				or(r.temperature(), d.temperature()), or(r.hardNegatives(), d.hardNegatives()),
				or(r.validationFraction(), d.validationFraction()), d.maxValidationQueries(),
				(r.seed() != null) ? r.seed() : 42L,
				(r.distillation() != null && r.distillation().depth() != null) ? r.distillation().depth()
						: d.teacherDepth(),
				(r.distillation() != null && r.distillation().rankTemperature() != null)
						? r.distillation().rankTemperature() : d.teacherRankTemperature(),
				d.teacherRelevant(), (r.distillation() != null) ? teacher(r.distillation()) : null,
				(r.distillation() != null) ? objective(r.distillation()) : null,
				(r.distillation() != null && r.distillation().positives() != null) ? r.distillation().positives() : 1);
		check(s.rank >= 1 && s.rank <= 256, "rank must be between 1 and 256");
		check(s.epochs >= 1 && s.epochs <= 100, "epochs must be between 1 and 100");
		check(s.batchSize >= 1 && s.batchSize <= 4096, "batchSize must be between 1 and 4096");
		check(s.learningRate > 0 && s.learningRate <= 1, "learningRate must be in (0, 1]");
		check(s.weightDecay >= 0 && s.weightDecay < 1, "weightDecay must be in [0, 1)");
		check(s.temperature > 0 && s.temperature <= 10, "temperature must be in (0, 10]");
		check(s.hardNegatives >= 0 && s.hardNegatives <= 1000, "hardNegatives must be between 0 and 1000");
		check(s.validationFraction > 0 && s.validationFraction < 1, "validationFraction must be in (0, 1)");
		check(s.teacherDepth >= 2 && s.teacherDepth <= 1000, "distillation.depth must be between 2 and 1000");
		check(s.teacherRankTemperature > 0, "distillation.rankTemperature must be above 0");
		check(s.teacherPositives >= 1 && s.teacherPositives < s.teacherDepth,
				"distillation.positives must be at least 1 and below the depth");
		return s;
	}

	static final String LISTWISE = "listwise";

	static final String PSEUDO_LABELS = "pseudo-labels";

	/** The distillation's objective: {@code listwise} (default) or {@code pseudo-labels}. */
	private static String objective(Distillation d) {
		String objective = (d.objective() == null || d.objective().isBlank()) ? LISTWISE : d.objective();
		if (!objective.equals(LISTWISE) && !objective.equals(PSEUDO_LABELS)) {
			throw ServiceProblem.badRequest("distillation.objective must be listwise (the teacher's rank "
					+ "distribution) or pseudo-labels (its first documents as positives), not '" + objective + "'");
		}
		return objective;
	}

	/** The distillation's teacher: {@code hybrid} (default) or {@code rerank}. */
	private static String teacher(Distillation d) {
		String teacher = (d.teacher() == null || d.teacher().isBlank()) ? "hybrid" : d.teacher();
		if (!teacher.equals("hybrid") && !teacher.equals("rerank")) {
			throw ServiceProblem.badRequest("distillation.teacher must be hybrid or rerank (hybrid search "
					+ "reranked by rerank-service), not '" + teacher + "'");
		}
		return teacher;
	}

	private List<LabelPair> checkedPairs(List<LabelPair> pairs) {
		check(pairs != null && !pairs.isEmpty(), "labels.pairs must hold at least one {query, targets} pair");
		check(pairs.size() <= this.defaults.maxQueries(), "at most " + this.defaults.maxQueries()
				+ " label pairs per job (rag.retrieval.adapters.max-queries); got " + pairs.size());
		for (int i = 0; i < pairs.size(); i++) {
			LabelPair p = pairs.get(i);
			check(p != null && p.query() != null && !p.query().isBlank(), "labels.pairs[" + i + "].query is empty");
			check(p.targets() != null && !p.targets().isEmpty() && p.targets().stream().noneMatch((t) -> t == null),
					"labels.pairs[" + i + "].targets must list at least one document");
		}
		return List.copyOf(pairs);
	}

	private List<String> checkedQueries(List<String> queries) {
		check(queries != null && queries.size() >= 2, "distillation.queries must hold at least two queries");
		check(queries.size() <= this.defaults.maxQueries(), "at most " + this.defaults.maxQueries()
				+ " queries per job (rag.retrieval.adapters.max-queries); got " + queries.size());
		check(queries.stream().noneMatch((q) -> q == null || q.isBlank()), "distillation.queries holds an empty query");
		return List.copyOf(new LinkedHashSet<>(queries));
	}

	static String targetField(String field) {
		String f = (field == null || field.isBlank()) ? "documentId" : field;
		if (!f.equals("documentId") && !f.equals("externalId") && !f.matches("metadata\\.[A-Za-z0-9_-]{1,100}")) {
			throw ServiceProblem.badRequest("labels.targetField must be documentId, externalId or metadata.<key>; "
					+ "not '" + f + "'");
		}
		return f;
	}

	// ------------------------------------------------------------------------------------------------ the work

	private void runLabels(UUID id, Collection collection, String task, Settings settings, String field,
			List<LabelPair> pairs, Boolean activate) {
		run(id, () -> {
			long t0 = System.nanoTime();
			phase(id, "loading", 0, collection.chunkCount());
			Loaded loaded = load(collection, field);
			Map<String, Object> metrics = new LinkedHashMap<>();
			metrics.put("loadSeconds", seconds(t0));
			// one training query per distinct text, its targets merged; then documents → chunks
			Map<String, Set<String>> byQuery = new LinkedHashMap<>();
			for (LabelPair p : pairs) {
				byQuery.computeIfAbsent(p.query().strip(), (q) -> new LinkedHashSet<>()).addAll(p.targets());
			}
			List<String> texts = new ArrayList<>();
			List<int[]> positives = new ArrayList<>();
			int unmatched = 0;
			int capped = 0;
			Random sampler = new Random(settings.seed);
			for (var e : byQuery.entrySet()) {
				int[] chunks = loaded.chunksOf(e.getValue());
				if (chunks.length == 0) {
					unmatched++;
					continue;
				}
				if (chunks.length > this.defaults.maxPositives()) {
					// a target shared by many documents (e.g. an API named by hundreds of solved examples): a sample
					chunks = Arrays.copyOf(shuffledCopy(chunks, sampler), this.defaults.maxPositives());
					capped++;
				}
				texts.add(e.getKey());
				positives.add(chunks);
			}
			metrics.put("queries", byQuery.size());
			metrics.put("queriesWithoutMatchingDocuments", unmatched);
			metrics.put("queriesWithPositivesSampled", capped);
			if (texts.size() < 2) {
				throw new IllegalArgumentException("only " + texts.size() + " of " + byQuery.size() + " queries "
						+ "name a document of the collection by " + field + "; nothing to train on");
			}
			long t1 = System.nanoTime();
			float[][] vectors = embed(id, collection, task, texts);
			metrics.put("embedSeconds", seconds(t1));
			int[] order = shuffled(texts.size(), settings.seed);
			int held = heldOut(texts.size(), settings);
			List<AdapterTrainer.Held> validation = new ArrayList<>();
			List<AdapterTrainer.Example> examples = new ArrayList<>();
			long t2 = System.nanoTime();
			phase(id, "mining", 0, texts.size() - held);
			for (int i = 0; i < held; i++) {
				int q = order[i];
				validation.add(new AdapterTrainer.Held(vectors[q], loaded.documentsOf(positives.get(q))));
			}
			int[] train = Arrays.copyOfRange(order, held, order.length);
			int[][] negatives = mine(id, loaded.chunks, vectors, train, positives, settings.hardNegatives);
			for (int i = 0; i < train.length; i++) {
				int q = train[i];
				examples.add(new AdapterTrainer.Example(vectors[q], positives.get(q), negatives[i], new int[0],
						new double[0]));
			}
			metrics.put("mineSeconds", seconds(t2));
			return train(id, collection, settings, loaded.chunks, examples, validation, metrics, activate);
		});
	}

	private void runDistillation(UUID id, Collection collection, String task, Settings settings, List<String> queries,
			Boolean activate) {
		run(id, () -> {
			long t0 = System.nanoTime();
			phase(id, "loading", 0, collection.chunkCount());
			Loaded loaded = load(collection, null);
			Map<String, Object> metrics = new LinkedHashMap<>();
			metrics.put("loadSeconds", seconds(t0));
			long t1 = System.nanoTime();
			phase(id, "teacher", 0, queries.size());
			List<String> texts = new ArrayList<>();
			List<int[]> rankings = new ArrayList<>();
			for (int i = 0; i < queries.size(); i++) {
				checkCancelled(id);
				String query = queries.get(i);
				// the teacher's answer depends only on the query and the collection's contents: jobs that try other
				// training settings on the same queries reuse it while the collection is unchanged
				List<Teacher.ChunkRef> ranking = this.teacherRankings.get(List.of(collection.id(),
						collection.chunkCount(), collection.tokenCount(), String.valueOf(collection.updatedAt()), query,
						task, settings.teacherDepth, settings.teacherRerank()),
						(k) -> this.teacher.ranking(collection.name(), query, task, settings.teacherDepth,
								settings.teacherRerank()));
				int[] chunks = ranking.stream()
					.mapToInt((c) -> loaded.chunks.chunk(c.documentId(), c.chunkIndex()))
					.filter((c) -> c >= 0)
					.toArray();
				if (chunks.length >= 2) {
					texts.add(queries.get(i));
					rankings.add(chunks);
				}
				phase(id, "teacher", i + 1, queries.size());
			}
			metrics.put("teacherSeconds", seconds(t1));
			metrics.put("queries", queries.size());
			metrics.put("queriesWithoutTeacherRanking", queries.size() - texts.size());
			if (texts.size() < 2) {
				throw new IllegalArgumentException("the teacher ranked too few chunks for the queries; nothing to train on");
			}
			long t2 = System.nanoTime();
			float[][] vectors = embed(id, collection, task, texts);
			metrics.put("embedSeconds", seconds(t2));
			int[] order = shuffled(texts.size(), settings.seed);
			int held = heldOut(texts.size(), settings);
			List<AdapterTrainer.Held> validation = new ArrayList<>();
			for (int i = 0; i < held; i++) {
				int q = order[i];
				// relevant for validation: the teacher's first documents (with pseudo-labels, the ones trained as
				// positives, so that the job is judged on what it learns)
				int relevant = settings.pseudoLabels() ? settings.teacherPositives : settings.teacherRelevant;
				Set<Integer> docs = new LinkedHashSet<>();
				for (int c : firstDocuments(rankings.get(q), loaded.chunks, relevant)) {
					docs.add(loaded.chunks.documentOf[c]);
				}
				validation.add(new AdapterTrainer.Held(vectors[q], docs));
			}
			int[] train = Arrays.copyOfRange(order, held, order.length);
			long t3 = System.nanoTime();
			phase(id, "mining", 0, train.length);
			// pseudo-labels: the teacher's first documents are positives; listwise: its whole list is learnt from.
			// Either way hard negatives come from outside the teacher's list: its lower picks are not wrong answers
			List<int[]> positives = settings.pseudoLabels()
					? rankings.stream().map((r) -> firstDocuments(r, loaded.chunks, settings.teacherPositives)).toList()
					: null;
			if (positives != null) {
				metrics.put("positiveChunksPerQuery",
						Math.round(positives.stream().mapToInt((p) -> p.length).average().orElse(0) * 100) / 100.0);
			}
			int[][] negatives = mine(id, loaded.chunks, vectors, train, rankings, settings.hardNegatives);
			List<AdapterTrainer.Example> examples = new ArrayList<>();
			for (int i = 0; i < train.length; i++) {
				int q = train[i];
				if (settings.pseudoLabels()) {
					examples.add(new AdapterTrainer.Example(vectors[q], positives.get(q), negatives[i], new int[0],
							new double[0]));
					continue;
				}
				int[] ranking = rankings.get(q);
				double[] teacher = new double[ranking.length];
				double sum = 0;
				for (int r = 0; r < ranking.length; r++) {
					teacher[r] = Math.exp(-r / settings.teacherRankTemperature);
					sum += teacher[r];
				}
				for (int r = 0; r < ranking.length; r++) {
					teacher[r] /= sum;
				}
				examples.add(new AdapterTrainer.Example(vectors[q], new int[0], negatives[i], ranking, teacher));
			}
			metrics.put("mineSeconds", seconds(t3));
			return train(id, collection, settings, loaded.chunks, examples, validation, metrics, activate);
		});
	}

	/** The chunks of a ranking that belong to its first {@code documents} documents. */
	static int[] firstDocuments(int[] ranking, ChunkVectors chunks, int documents) {
		Set<Integer> first = new LinkedHashSet<>();
		List<Integer> picked = new ArrayList<>();
		for (int c : ranking) {
			int document = chunks.documentOf[c];
			if (first.contains(document) || first.size() < documents) {
				first.add(document);
				picked.add(c);
			}
		}
		return picked.stream().mapToInt(Integer::intValue).toArray();
	}

	private Map<String, Object> train(UUID id, Collection collection, Settings settings, ChunkVectors chunks,
			List<AdapterTrainer.Example> examples, List<AdapterTrainer.Held> validation, Map<String, Object> metrics,
			Boolean activate) {
		long t = System.nanoTime();
		List<Map<String, Object>> epochs = new ArrayList<>();
		AdapterTrainer trainer = new AdapterTrainer(chunks, new AdapterTrainer.Settings(settings.rank,
				settings.epochs, settings.batchSize, settings.learningRate, settings.weightDecay,
				settings.temperature, settings.seed));
		phase(id, "training", 0, settings.epochs);
		AdapterTrainer.Result result = trainer.train(examples, validation, new AdapterTrainer.Listener() {
			@Override
			public void epoch(int epoch, int total, double loss, AdapterTrainer.Quality quality) {
				Map<String, Object> e = new LinkedHashMap<>();
				e.put("epoch", epoch);
				e.put("loss", Math.round(loss * 10000) / 10000.0);
				e.put("validation", quality.asMap());
				epochs.add(e);
				Map<String, Object> p = phase(id, "training", epoch, total);
				p.put("epochs", List.copyOf(epochs));
				AdapterJobs.this.repository.progress(id, p);
			}

			@Override
			public void step(int done, int total) {
				Map<String, Object> p = AdapterJobs.this.progress.get(id);
				if (p != null) {
					p.put("steps", done);
					p.put("totalSteps", total);
				}
			}
		}, () -> isCancelled(id));
		metrics.put("trainingQueries", examples.size());
		metrics.put("validationQueries", validation.size());
		metrics.put("chunks", chunks.size());
		metrics.put("trainSeconds", seconds(t));
		metrics.put("epochs", epochs);
		metrics.put("bestEpoch", result.bestEpoch());
		metrics.put("baseline", result.baseline().asMap());
		metrics.put("validation", result.best().asMap());
		boolean beats = result.best().ndcg10() > result.baseline().ndcg10();
		metrics.put("beatsBaseline", beats);
		if (!this.repository.finish(id, result.adapter().toBytes(), metrics)) {
			throw new CancellationException("cancelled");
		}
		logger.info("adapter {} of '{}': held-out nDCG@10 {} → {} ({} queries)", id, collection.name(),
				result.baseline().ndcg10(), result.best().ndcg10(), validation.size());
		if (Boolean.TRUE.equals(activate) && beats) {
			this.repository.activate(collection.id(), id);
			this.registry.evict(collection.id());
		}
		return metrics;
	}

	private interface Work {

		Map<String, Object> call() throws Exception;

	}

	private void run(UUID id, Work work) {
		try {
			if (!this.repository.transition(id, "queued", "training")) {
				return; // cancelled while queued
			}
			work.call();
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
			this.progress.remove(id);
			this.cancelled.remove(id);
		}
	}

	private static String message(Throwable ex) {
		return (ex instanceof ServiceProblem p) ? p.detail() : String.valueOf(ex.getMessage());
	}

	// ------------------------------------------------------------------------------------------------ steps

	/** Chunk vectors (normalised for cosine collections) and what label targets resolve against. */
	private record Loaded(ChunkVectors chunks, Map<String, Set<Integer>> documentsByTarget) {

		int[] chunksOf(Set<String> targets) {
			Set<Integer> docs = new HashSet<>();
			for (String t : targets) {
				docs.addAll(this.documentsByTarget.getOrDefault(t, Set.of()));
			}
			return docs.stream().flatMapToInt((d) -> Arrays.stream(this.chunks.chunksOfDocument[d])).sorted().toArray();
		}

		Set<Integer> documentsOf(int[] chunkIds) {
			Set<Integer> docs = new LinkedHashSet<>();
			for (int c : chunkIds) {
				docs.add(this.chunks.documentOf[c]);
			}
			return docs;
		}

	}

	private Loaded load(Collection collection, String field) {
		if (collection.chunkCount() > this.defaults.maxChunks()) {
			throw new IllegalArgumentException("the collection has " + collection.chunkCount() + " chunks; "
					+ "training loads at most rag.retrieval.adapters.max-chunks (" + this.defaults.maxChunks() + ")");
		}
		boolean metadata = field != null && field.startsWith("metadata.");
		List<float[]> vectors = new ArrayList<>();
		List<String> documents = new ArrayList<>();
		List<Integer> indexes = new ArrayList<>();
		List<String> values = new ArrayList<>();
		String column = collection.storage().column();
		String sql = "SELECT document_id, chunk_index, " + column + "::real[] AS v"
				+ (metadata ? ", metadata -> ? AS target" : "") + " FROM " + collection.partition()
				+ " ORDER BY document_id, chunk_index";
		boolean normalise = collection.distance() == Distance.COSINE;
		Object[] args = metadata ? new Object[] { field.substring("metadata.".length()) } : new Object[0];
		this.jdbc.query(sql, (rs) -> {
			Array array = rs.getArray("v");
			Object[] boxed = (Object[]) array.getArray();
			float[] v = new float[boxed.length];
			for (int i = 0; i < v.length; i++) {
				v[i] = ((Number) boxed[i]).floatValue();
			}
			vectors.add(normalise ? Vectors.normalized(v) : v);
			documents.add(rs.getString("document_id"));
			indexes.add(rs.getInt("chunk_index"));
			if (metadata) {
				values.add(rs.getString("target"));
			}
		}, args);
		if (vectors.isEmpty()) {
			throw new IllegalArgumentException("the collection has no indexed chunks");
		}
		ChunkVectors chunks = new ChunkVectors(vectors.toArray(float[][]::new), documents.toArray(String[]::new),
				indexes.stream().mapToInt(Integer::intValue).toArray());
		Map<String, Set<Integer>> byTarget = new HashMap<>();
		if (field == null) {
			return new Loaded(chunks, byTarget);
		}
		if (field.equals("documentId")) {
			for (int d = 0; d < chunks.documents(); d++) {
				byTarget.computeIfAbsent(chunks.documentIds.get(d), (k) -> new HashSet<>()).add(d);
			}
		}
		else if (field.equals("externalId")) {
			Map<String, Integer> ordinal = new HashMap<>();
			for (int d = 0; d < chunks.documents(); d++) {
				ordinal.put(chunks.documentIds.get(d), d);
			}
			this.jdbc.query("SELECT document_id, external_id FROM retrieval.documents WHERE collection_id = ? "
					+ "AND NOT deleted AND external_id IS NOT NULL", (rs) -> {
						Integer d = ordinal.get(rs.getString(1));
						if (d != null) {
							byTarget.computeIfAbsent(rs.getString(2), (k) -> new HashSet<>()).add(d);
						}
					}, collection.id());
		}
		else {
			for (int c = 0; c < chunks.size(); c++) {
				String json = values.get(c);
				if (json == null) {
					continue;
				}
				var node = AdapterRepository.JSON.readTree(json);
				List<String> keys = new ArrayList<>();
				if (node.isArray()) {
					node.forEach((n) -> keys.add(n.isString() ? n.asString() : n.toString()));
				}
				else {
					keys.add(node.isString() ? node.asString() : node.toString());
				}
				for (String k : keys) {
					byTarget.computeIfAbsent(k, (x) -> new HashSet<>()).add(chunks.documentOf[c]);
				}
			}
		}
		return new Loaded(chunks, byTarget);
	}

	private float[][] embed(UUID id, Collection collection, String task, List<String> texts) {
		phase(id, "embedding", 0, texts.size());
		float[][] vectors = new float[texts.size()][];
		int batch = this.defaults.embedBatchSize();
		for (int from = 0; from < texts.size(); from += batch) {
			checkCancelled(id);
			List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
			List<float[]> embedded = this.embeddings.embedQueries(collection.embeddingModel(), task, part);
			for (int i = 0; i < part.size(); i++) {
				float[] v = embedded.get(i);
				vectors[from + i] = (collection.distance() == Distance.COSINE) ? Vectors.normalized(v) : v;
			}
			phase(id, "embedding", Math.min(texts.size(), from + batch), texts.size());
		}
		return vectors;
	}

	/** For each training query, the closest chunks that are neither its positives nor in its teacher list. */
	private int[][] mine(UUID id, ChunkVectors chunks, float[][] vectors, int[] train, List<int[]> excluded,
			int count) {
		int[][] negatives = new int[train.length][];
		if (count == 0) {
			Arrays.fill(negatives, new int[0]);
			return negatives;
		}
		java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
		int blocks = (train.length + ChunkVectors.BLOCK - 1) / ChunkVectors.BLOCK;
		IntStream.range(0, blocks).parallel().forEach((b) -> {
			if (isCancelled(id)) {
				return;
			}
			int from = b * ChunkVectors.BLOCK;
			int to = Math.min(train.length, from + ChunkVectors.BLOCK);
			float[][] queries = new float[to - from][];
			for (int i = from; i < to; i++) {
				queries[i - from] = vectors[train[i]];
			}
			float[][] scores = chunks.scores(queries);
			for (int i = from; i < to; i++) {
				// never a chunk of a positive document (labels) or of a document the teacher ranked (distillation)
				Set<Integer> excludedDocs = new HashSet<>();
				for (int c : excluded.get(train[i])) {
					excludedDocs.add(chunks.documentOf[c]);
				}
				negatives[i] = chunks.topChunks(scores[i - from], count,
						(c) -> excludedDocs.contains(chunks.documentOf[c]));
			}
			int n = done.addAndGet(to - from);
			phase(id, "mining", n, train.length);
		});
		checkCancelled(id);
		return negatives;
	}

	private int heldOut(int queries, Settings settings) {
		int held = (int) Math.round(queries * settings.validationFraction);
		held = Math.min(Math.max(held, 1), settings.maxValidationQueries);
		return Math.min(held, queries - 1);
	}

	private static int[] shuffledCopy(int[] values, Random random) {
		int[] copy = values.clone();
		for (int i = copy.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = copy[i];
			copy[i] = copy[j];
			copy[j] = t;
		}
		return copy;
	}

	/** 0 … n-1 in a seeded order (the same order Collections.shuffle gives with that seed). */
	private static int[] shuffled(int n, long seed) {
		return shuffledCopy(IntStream.range(0, n).toArray(), new Random(seed));
	}

	private Map<String, Object> phase(UUID id, String phase, long done, long total) {
		Map<String, Object> p = this.progress.computeIfAbsent(id, (k) -> new ConcurrentHashMap<>());
		String previous = (String) p.put("phase", phase);
		p.put("done", done);
		p.put("total", total);
		if (!phase.equals(previous) && !phase.equals("queued")) {
			this.repository.progress(id, new LinkedHashMap<>(p));
		}
		return p;
	}

	private boolean isCancelled(UUID id) {
		AtomicBoolean flag = this.cancelled.get(id);
		return flag != null && flag.get();
	}

	private void checkCancelled(UUID id) {
		if (isCancelled(id)) {
			throw new CancellationException("cancelled");
		}
	}

	private static void check(boolean ok, String detail) {
		if (!ok) {
			throw ServiceProblem.badRequest(detail);
		}
	}

	private static int or(Integer value, int fallback) {
		return (value != null) ? value : fallback;
	}

	private static double or(Double value, double fallback) {
		return (value != null) ? value : fallback;
	}

	private static double seconds(long startNanos) {
		return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
	}

	private static String digest(java.util.stream.Stream<String> items, String salt) {
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
