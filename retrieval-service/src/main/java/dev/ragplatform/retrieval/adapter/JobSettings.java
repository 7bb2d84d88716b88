package dev.ragplatform.retrieval.adapter;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.problem.ServiceProblem;

/**
 * The settings a training job runs with: the request's, else the defaults ({@code rag.retrieval.adapters.*}), each
 * checked, with a 400 naming the field that is out of range.
 */
record JobSettings(int rank, int epochs, int batchSize, double learningRate, double weightDecay, double temperature,
		int hardNegatives, double validationFraction, int maxValidationQueries, long seed, int teacherDepth,
		double teacherRankTemperature, int teacherRelevant, String teacher, String objective, int teacherPositives) {

	static final String LISTWISE = "listwise";

	static final String PSEUDO_LABELS = "pseudo-labels";

	static JobSettings of(TrainRequest r, RetrievalProperties.Adapters d) {
		Distillation distillation = r.distillation();
		JobSettings s = new JobSettings(or(r.rank(), d.rank()), or(r.epochs(), d.epochs()),
				or(r.batchSize(), d.batchSize()), or(r.learningRate(), d.learningRate()),
				or(r.weightDecay(), d.weightDecay()), or(r.temperature(), d.temperature()),
				or(r.hardNegatives(), d.hardNegatives()), or(r.validationFraction(), d.validationFraction()),
				d.maxValidationQueries(), (r.seed() != null) ? r.seed() : 42L,
				(distillation != null && distillation.depth() != null) ? distillation.depth() : d.teacherDepth(),
				(distillation != null && distillation.rankTemperature() != null) ? distillation.rankTemperature()
						: d.teacherRankTemperature(),
				d.teacherRelevant(), (distillation != null) ? teacher(distillation) : null,
				(distillation != null) ? objective(distillation) : null,
				(distillation != null && distillation.positives() != null) ? distillation.positives() : 1);
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

	/** The teacher is hybrid search reranked by rerank-service. */
	boolean teacherRerank() {
		return "rerank".equals(this.teacher);
	}

	/** The teacher's first documents are positives (else its whole ranking is learnt listwise). */
	boolean pseudoLabels() {
		return PSEUDO_LABELS.equals(this.objective);
	}

	/** How many of {@code queries} are held out for validation: the fraction, at least 1, leaving at least 1. */
	int heldOut(int queries) {
		int held = (int) Math.round(queries * this.validationFraction);
		held = Math.min(Math.max(held, 1), this.maxValidationQueries);
		return Math.min(held, queries - 1);
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

	/** The label pairs of a request, checked. */
	static List<LabelPair> checkedPairs(List<LabelPair> pairs, int maxQueries) {
		check(pairs != null && !pairs.isEmpty(), "labels.pairs must hold at least one {query, targets} pair");
		check(pairs.size() <= maxQueries, "at most " + maxQueries
				+ " label pairs per job (rag.retrieval.adapters.max-queries); got " + pairs.size());
		for (int i = 0; i < pairs.size(); i++) {
			LabelPair p = pairs.get(i);
			check(p != null && p.query() != null && !p.query().isBlank(), "labels.pairs[" + i + "].query is empty");
			check(p.targets() != null && !p.targets().isEmpty() && p.targets().stream().noneMatch((t) -> t == null),
					"labels.pairs[" + i + "].targets must list at least one document");
		}
		return List.copyOf(pairs);
	}

	/** The distillation queries of a request, checked, duplicates dropped. */
	static List<String> checkedQueries(List<String> queries, int maxQueries) {
		check(queries != null && queries.size() >= 2, "distillation.queries must hold at least two queries");
		check(queries.size() <= maxQueries, "at most " + maxQueries
				+ " queries per job (rag.retrieval.adapters.max-queries); got " + queries.size());
		check(queries.stream().noneMatch((q) -> q == null || q.isBlank()), "distillation.queries holds an empty query");
		return List.copyOf(new LinkedHashSet<>(queries));
	}

	/** What label targets name: {@code documentId} (default), {@code externalId} or {@code metadata.<key>}. */
	static String targetField(String field) {
		String f = (field == null || field.isBlank()) ? "documentId" : field;
		if (!f.equals("documentId") && !f.equals("externalId") && !f.matches("metadata\\.[A-Za-z0-9_-]{1,100}")) {
			throw ServiceProblem.badRequest("labels.targetField must be documentId, externalId or metadata.<key>; "
					+ "not '" + f + "'");
		}
		return f;
	}

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

}
