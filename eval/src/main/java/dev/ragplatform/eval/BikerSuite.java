package dev.ragplatform.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * BIKER (Java API recommendation) through the running platform: the JDK's own API documentation, imported by
 * ingest-service's Java API source connector from a JDK {@code lib/src.zip}, searched with each test question;
 * results rank APIs ({@code package.Class.method}: overloads count once, at their best rank). Scored with
 * SuccessRate@1/3/5/10, MRR and MAP.
 * <p>
 * Modes {@code dense}, {@code lexical}, {@code hybrid} (optionally {@code +rerank}) rank the API documents.
 * Mode {@code examples} ranks APIs by the votes of solved examples ({@code biker-train-qa.csv}, ingested into a
 * collection of their own): the {@value #EXAMPLES} examples most similar to the question vote for their APIs,
 * each with its similarity. {@code examples+<mode>} fuses that ranking with the documents' ranking of
 * {@code <mode>} by reciprocal rank. {@code recommend} asks llm-adapter's API recommendation (retrieval only;
 * {@code recommend:llm} with the configured LLM), near-copies excluded by the same filter. Examples whose title equals the question once lower-cased and stripped of
 * everything but letters and digits are excluded by a metadata filter in the search itself, so a near-copy of
 * the question can never vote; the report counts them.
 */
final class BikerSuite {

	static final int DEPTH = 100;

	/** How many solved examples vote. */
	static final int EXAMPLES = 10;

	private final Platform platform;

	/** What re-scored each recommend mode's examples and documents, as its answers said (distinct labels). */
	private final Map<String, Map<String, java.util.Set<String>>> rescoring = new LinkedHashMap<>();

	BikerSuite(Platform platform) {
		this.platform = platform;
	}

	/**
	 * @param questions the name of the question set (the test CSV's file stem, or {@code dev}): in the report, and in
	 * the name of the adapter trained without its near-copies
	 */
	Report.Result run(List<Query> queries, String questions, Path examplesCsv, Path jdkSources, List<String> modules,
			String collection, String examplesCollection, List<String> modes) throws Exception {
		JsonNode settings = this.platform.ensureCollection(collection);
		long started = System.nanoTime();
		JsonNode imported = this.platform.importJavaSources(collection, jdkSources.toString(), modules);
		long documents = imported.path("submitted").asLong() + imported.path("unchanged").asLong();
		Platform.Ingested indexed = this.platform.awaitIndexed(collection, documents);
		double ingestSeconds = (System.nanoTime() - started) / 1e9;

		Map<String, Object> details = new LinkedHashMap<>();
		details.put("questions", questions);
		details.put("queries", queries.size());
		details.put("apiDocuments", documents);
		details.put("skipped", indexed.skipped().size());
		details.put("modules", modules);
		details.put("jdkSources", jdkSources.toString());
		details.put("ingestSeconds", Math.round(ingestSeconds * 10) / 10.0);
		boolean withExamples = modes.stream().anyMatch((m) -> m.startsWith("examples") || m.startsWith("recommend"));
		if (withExamples) {
			List<Example> pool = examples(examplesCsv);
			this.platform.ensureCollection(examplesCollection);
			long t = System.nanoTime();
			this.platform.ingest(examplesCollection, pool.stream().map(Example::submission).toList());
			Map<String, Long> perKey = new HashMap<>();
			pool.forEach((e) -> perKey.merge(key(e.title()), 1L, Long::sum));
			long removed = queries.stream().mapToLong((q) -> perKey.getOrDefault(key(q.title()), 0L)).sum();
			long affected = queries.stream().filter((q) -> perKey.containsKey(key(q.title()))).count();
			details.put("examples", examplesCsv.toString());
			details.put("exampleDocuments", pool.size());
			details.put("examplesVoting", EXAMPLES);
			details.put("nearCopiesRemoved", removed);
			details.put("queriesWithNearCopies", affected);
			details.put("examplesIngestSeconds", Math.round((System.nanoTime() - t) / 1e8) / 10.0);
			System.err.printf("near-copy filter: %,d examples excluded, for %d of %d questions%n", removed, affected,
					queries.size());
		}
		else {
			details.put("nearCopiesRemoved", "0 (no examples mode ran: no solved examples were retrieved)");
		}

		if (modes.stream().anyMatch((m) -> m.contains("@"))) {
			details.put("adapters", adapters(queries, questions, examplesCsv, collection, modes));
		}

		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		List<String> ids = ids(queries);
		for (String mode : modes) {
			Map<String, Map<String, Double>> byQuery = new LinkedHashMap<>();
			perQuery.put(mode, byQuery);
			// llm-adapter's searches name no adapter: for recommend@<key> the adapter is the active one meanwhile
			boolean activate = mode.startsWith("recommend") && mode.contains("@");
			if (activate) {
				this.platform.activateAdapter(collection, mode.substring(mode.indexOf('@') + 1), true);
			}
			try {
				Progress progress = new Progress("search " + mode, queries.size());
				Map<String, List<Double>> values = new LinkedHashMap<>(); // in report order
				List<Double> millis = new ArrayList<>();
				int done = 0;
				for (Query query : queries) {
					long t = System.nanoTime();
					List<String> ranking = rank(query, mode, collection, examplesCollection);
					millis.add((System.nanoTime() - t) / 1e6);
					ranking = ranking.subList(0, Math.min(DEPTH, ranking.size()));
					Map<String, Integer> judged = new LinkedHashMap<>();
					query.answers().forEach((a) -> judged.put(a, 1));
					Map<String, Double> scores = new LinkedHashMap<>();
					for (int k : new int[] { 1, 3, 5, 10 }) {
						scores.put("SuccessRate@" + k, Metrics.success(ranking, judged, k));
					}
					scores.put("MRR", Metrics.mrr(ranking, judged, DEPTH));
					scores.put("MAP", Metrics.averagePrecision(ranking, judged));
					scores.forEach((name, value) -> values.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value));
					byQuery.put(ids.get(done), Report.perQuery(scores, ranking, judged));
					progress.update(++done);
				}
				Map<String, Double> means = new LinkedHashMap<>();
				values.forEach((name, list) -> means.put(name, Metrics.mean(list)));
				metrics.put(mode, means);
				// on the log as soon as a mode is done: a run stopped later still leaves its finished modes
				System.err.printf("done %s: %s%n", mode, means);
				latency.put(mode, Report.percentiles(millis));
			}
			finally {
				// a failed mode, too, leaves the adapter as it found it
				if (activate) {
					this.platform.activateAdapter(collection, mode.substring(mode.indexOf('@') + 1), false);
				}
			}
		}
		if (!this.rescoring.isEmpty()) {
			details.put("rescoring", this.rescoring);
		}
		return new Report.Result("biker", collection, settings, details, metrics, latency, perQuery);
	}

	private void seen(String ranking, String mode, String label) {
		if (label != null) {
			this.rescoring.computeIfAbsent(mode, (m) -> new LinkedHashMap<>())
				.computeIfAbsent(ranking, (r) -> new java.util.TreeSet<>())
				.add(label);
		}
	}

	private List<String> rank(Query query, String mode, String collection, String examplesCollection)
			throws Exception {
		if (mode.startsWith("recommend")) {
			// llm-adapter's API recommendation: recommend = retrieval only, recommend:llm with the configured LLM;
			// recommend[examples=50;lexical=0.1] sets the request's examplesPerSource and weights
			Map<String, Object> settings = recommendSettings(mode);
			String bare = mode.replaceAll("\\[.*]", "");
			bare = bare.contains("@") ? bare.substring(0, bare.indexOf('@')) : bare;
			String adapterMode = bare.contains(":") ? bare.substring(bare.indexOf(':') + 1) : "retrieval";
			Platform.Recommended answer = this.platform.recommend(query.title(), collection, examplesCollection,
					adapterMode, DEPTH, Map.of("titleKey", Map.of("ne", key(query.title()))), settings);
			seen("examples", mode, answer.examplesRescoring());
			seen("documents", mode, answer.documentsRescoring());
			return answer.apis();
		}
		if (!mode.startsWith("examples")) {
			return documents(query, mode, collection);
		}
		List<String> votes = votes(query, examplesCollection);
		if (mode.equals("examples")) {
			return votes;
		}
		if (!mode.startsWith("examples+")) {
			throw new IllegalArgumentException("unknown mode " + mode + ": use examples or examples+<mode>");
		}
		return Metrics.fuse(List.of(votes, documents(query, mode.substring(9), collection)), 60);
	}

	private List<String> documents(Query query, String mode, String collection) throws Exception {
		return this.platform
			.search(collection, query.title(), mode, DEPTH * 2,
					(result) -> result.path("metadata").path("api").asString(null))
			.documents();
	}

	/** APIs ranked by the similarity-weighted votes of the most similar solved examples, near-copies excluded. */
	private List<String> votes(Query query, String examplesCollection) throws Exception {
		Platform.Hits hits = this.platform.hits(examplesCollection, query.title(), "dense", EXAMPLES,
				Map.of("titleKey", Map.of("ne", key(query.title()))));
		Map<String, Double> score = new HashMap<>();
		for (JsonNode hit : hits.results()) {
			for (JsonNode api : hit.path("metadata").path("apis")) {
				score.merge(api.asString(), hit.path("score").asDouble(), Double::sum);
			}
		}
		return Metrics.rank(score);
	}

	/**
	 * The adapter the modes name ({@code dense@labels}, {@code recommend@labels}): trained on the solved examples
	 * (question → APIs, matched to the API documents by {@code metadata.api}) without any whose title is a
	 * near-copy of a test question.
	 */
	private Map<String, Object> adapters(List<Query> queries, String questions, Path examplesCsv, String collection,
			List<String> modes)
			throws Exception {
		Map<String, Object> trained = new LinkedHashMap<>();
		for (String key : modes.stream().filter((m) -> m.contains("@")).map((m) -> m.substring(m.indexOf('@') + 1))
			.distinct()
			.toList()) {
			if (!key.equals("labels")) {
				throw new IllegalArgumentException("unknown adapter '" + key + "': use <mode>@labels");
			}
			java.util.Set<String> test = new java.util.HashSet<>();
			queries.forEach((q) -> test.add(key(q.title())));
			List<Map<String, Object>> pairs = new ArrayList<>();
			int removed = 0;
			for (Example e : examples(examplesCsv)) {
				if (test.contains(key(e.title()))) {
					removed++;
					continue;
				}
				pairs.add(Map.of("query", e.title(), "targets", e.answers()));
			}
			System.err.printf("adapter labels: %,d solved examples, %,d near-copies of test questions removed%n",
					pairs.size(), removed);
			// an adapter excludes the near-copies of the questions it is evaluated on: one per question set
			String name = "eval-biker-" + key + (questions.equals("biker-test") ? "" : "-" + questions);
			JsonNode state = this.platform.trainAdapter(collection, key, name,
					Map.of("labels", Map.of("targetField", "metadata.api", "pairs", pairs)));
			trained.put(key, Map.of("id", state.path("id").asString(), "nearCopiesRemoved", removed, "metrics",
					state.path("metrics"), "settings", state.path("settings")));
		}
		return trained;
	}

	/**
	 * BIKER's development questions: solved examples of the training file, one per near-copy key (the test's rule:
	 * lower case, letters and digits), none whose key is a test question's, and none whose answers all lie outside
	 * the imported modules ({@code answerable}: the training file also answers with Swing or JavaFX, which the API
	 * collection does not hold), {@code size} of them drawn with a fixed seed. A question's answers are those of every example with its key; when it is asked, those examples are
	 * excluded from the votes by the same filter as on the test. Nothing is trained on them.
	 */
	static List<Query> devQueries(Path examplesCsv, Path testCsv, int size, long seed,
			java.util.function.Predicate<String> answerable) throws IOException {
		java.util.Set<String> test = new java.util.HashSet<>();
		load(testCsv).forEach((q) -> test.add(key(q.title())));
		Map<String, Query> byKey = new LinkedHashMap<>();
		for (Example e : examples(examplesCsv)) {
			String k = key(e.title());
			if (k.isEmpty() || test.contains(k) || e.answers().stream().noneMatch(answerable)) {
				continue;
			}
			Query known = byKey.get(k);
			if (known == null) {
				byKey.put(k, new Query(e.title(), List.copyOf(e.answers())));
			}
			else {
				java.util.LinkedHashSet<String> answers = new java.util.LinkedHashSet<>(known.answers());
				answers.addAll(e.answers());
				byKey.put(k, new Query(known.title(), List.copyOf(answers)));
			}
		}
		List<Query> pool = new ArrayList<>(byKey.values());
		java.util.Collections.shuffle(pool, new java.util.Random(seed));
		return List.copyOf(pool.subList(0, Math.min(size, pool.size())));
	}

	/**
	 * The request settings a mode names in brackets: {@code recommend[examples=50;lexical=0.1;documents=0.05]} →
	 * {@code examplesPerSource} 50 and those weights (llm-adapter's names: semantic, lexical, syntactic, votes,
	 * documents, adaptedDocuments, names, rrfK); {@code rerank=true} sets {@code rerankExamples},
	 * {@code rerankDocuments=true} {@code rerankDocuments}.
	 */
	static Map<String, Object> recommendSettings(String mode) {
		Matcher m = Pattern.compile("\\[([^]]*)]").matcher(mode);
		if (!m.find() || m.group(1).isBlank()) {
			return Map.of();
		}
		Map<String, Object> settings = new LinkedHashMap<>();
		Map<String, Object> weights = new LinkedHashMap<>();
		for (String pair : m.group(1).split(";")) {
			String[] kv = pair.split("=", 2);
			if (kv.length != 2) {
				throw new IllegalArgumentException("mode " + mode + ": write settings as name=value;name=value");
			}
			String name = kv[0].strip();
			if (name.equals("examples")) {
				settings.put("examplesPerSource", Integer.parseInt(kv[1].strip()));
			}
			else if (name.equals("rerank") || name.equals("rerankDocuments")) {
				String value = kv[1].strip();
				if (!value.equals("true") && !value.equals("false")) {
					throw new IllegalArgumentException("mode " + mode + ": " + name + " is true or false, not " + value);
				}
				settings.put(name.equals("rerank") ? "rerankExamples" : name, Boolean.valueOf(value));
			}
			else if (name.equals("rrfK")) {
				weights.put(name, Integer.parseInt(kv[1].strip()));
			}
			else {
				weights.put(name, Double.parseDouble(kv[1].strip()));
			}
		}
		if (!weights.isEmpty()) {
			settings.put("weights", weights);
		}
		return settings;
	}

	/**
	 * Whether an API ({@code package.Class.method}) belongs to a class of the given modules of a JDK's
	 * {@code lib/src.zip} (entries {@code java.base/java/lang/String.java}); nested classes count by their outer one.
	 */
	static java.util.function.Predicate<String> inModules(Path srcZip, List<String> modules) throws IOException {
		java.util.Set<String> classes = new java.util.HashSet<>();
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(srcZip.toFile())) {
			zip.stream().map(java.util.zip.ZipEntry::getName).forEach((name) -> {
				int slash = name.indexOf('/');
				if (slash > 0 && name.endsWith(".java") && modules.contains(name.substring(0, slash))) {
					classes.add(name.substring(slash + 1, name.length() - 5).replace('/', '.'));
				}
			});
		}
		return (api) -> {
			String owner = api.contains(".") ? api.substring(0, api.lastIndexOf('.')) : api;
			while (owner.contains(".")) {
				if (classes.contains(owner)) {
					return true;
				}
				owner = owner.substring(0, owner.lastIndexOf('.')); // Map.Entry.getKey: try java.util.Map
			}
			return false;
		};
	}

	/** Each question's id in a report: its title, with {@code #2}, {@code #3} … on repeats. */
	static List<String> ids(List<Query> queries) {
		Map<String, Integer> seen = new HashMap<>();
		return queries.stream().map((q) -> {
			int n = seen.merge(q.title(), 1, Integer::sum);
			return (n == 1) ? q.title() : q.title() + " #" + n;
		}).toList();
	}

	/** A title as the near-copy filter compares it: lower case, letters and digits only. */
	static String key(String title) {
		return title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{Nd}]", "");
	}

	/** The solved examples, one document per distinct question and answer. */
	static List<Example> examples(Path csv) throws IOException {
		Map<String, Example> distinct = new LinkedHashMap<>();
		for (Query q : load(csv)) {
			if (!q.title().isBlank() && !q.answers().isEmpty()) {
				distinct.putIfAbsent(q.title() + "\u0000" + q.answers(), new Example(q.title(), q.answers()));
			}
		}
		return List.copyOf(distinct.values());
	}

	record Example(String title, List<String> answers) {

		Platform.Submission submission() {
			String id = "example-" + java.util.HexFormat.of()
				.formatHex(sha256(this.title + "\u0000" + this.answers))
				.substring(0, 20);
			return new Platform.Submission(id, this.title, this.title,
					Map.of("apis", this.answers, "titleKey", key(this.title)));
		}

		private static byte[] sha256(String s) {
			try {
				return java.security.MessageDigest.getInstance("SHA-256")
					.digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** BIKER's CSV: {@code ,title,answer} with {@code answer} like {@code ['java.lang.Integer.parseInt']}. */
	static List<Query> load(Path csv) throws IOException {
		List<Query> queries = new ArrayList<>();
		List<List<String>> rows = dev.ragplatform.runtime.csv.CsvRows.parse(Files.readString(csv));
		for (List<String> row : rows.subList(1, rows.size())) {
			if (row.size() < 3) {
				continue;
			}
			List<String> answers = new ArrayList<>();
			Matcher m = Pattern.compile("'([^']+)'").matcher(row.get(2));
			while (m.find()) {
				answers.add(m.group(1).trim());
			}
			queries.add(new Query(row.get(1), answers));
		}
		return queries;
	}

	record Query(String title, List<String> answers) {
	}

}
