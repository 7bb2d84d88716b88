package dev.ragplatform.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * FIRE 2017 IRLeD task 2 (legal citation prediction) through the running platform: the prior cases are ingested
 * as documents; each current case is a query in two forms, both measured:
 * <ul>
 * <li>{@code contexts}: the text around each {@code [?CITATION?]} marker, searched separately;</li>
 * <li>{@code whole}: the whole judgment cut into passages, each searched.</li>
 * <li>{@code paragraphs}: short texts cut from the cases around one or two markers, rewritten as numbered or
 * author-year markers ({@link #paragraphs}), each its own query, searched as it is (or sent to llm-adapter):
 * whether citation prediction beats a plain search of the same paragraph.</li>
 * <li>{@code long-paragraphs}: the same, about 1,500 characters long, so that the markers' windows cover about half
 * of each: citation prediction searches them per marker unless its {@code whole-query-chars} takes them in whole
 * (its default does).</li>
 * </ul>
 * The rankings of one case's searches are fused by reciprocal rank (k 60) into one ranking of prior cases, scored
 * with MAP, MRR, P@5 and Recall@10/100 against {@code irled-qrel.txt}. Modes {@code citations[:searchMode[:mode]]}
 * send each case to llm-adapter's citation prediction instead ({@code citations:hybrid} = retrieval only, hybrid
 * search per context; {@code citations:hybrid:ensemble} with the configured LLM; {@code citations:hybrid:retrieval:contexts}
 * the markers' contexts only, without the whole text; {@code citations:hybrid:retrieval:whole=0.5} also the whole
 * text, with that weight). Modes {@code views:<search>:<weight>} rebuild citation prediction's fusion from plain
 * searches (the markers' contexts, weight 1, and the whole text's passages, {@code weight}; {@code passages}: the
 * whole text alone; {@code :merge=<chars>}: markers that close share one context), each search made once per run,
 * so several weights cost one set of searches.
 */
final class FireSuite {

	static final String MARKER = "[?CITATION?]";

	static final int DEPTH = 100;

	/** Characters of context kept before and after a marker: the sentence or two that name what is cited. */
	static final int BEFORE = 600;

	static final int AFTER = 200;

	/** The whole-case form: passages of about this many characters, at most {@link #MAX_PASSAGES} per case. */
	static final int PASSAGE = 1500;

	static final int MAX_PASSAGES = 40;

	private final Platform platform;

	private final java.util.concurrent.ExecutorService searchers = java.util.concurrent.Executors.newFixedThreadPool(4,
			Thread.ofPlatform().daemon().factory());

	/** Each (mode, passage) searched once per run. */
	private final Map<String, java.util.concurrent.Future<Platform.Search>> searched = new java.util.concurrent.ConcurrentHashMap<>();

	FireSuite(Platform platform) {
		this.platform = platform;
	}

	Report.Result run(Path dir, String collection, List<String> modes, List<String> forms, int priorLimit,
			int queryLimit, int querySkip, int folds) throws Exception {
		Map<String, Map<String, Integer>> qrels = qrels(dir.resolve("irled-qrel.txt"));
		Map<String, String> current = texts(dir.resolve("Current_Cases"), (queryLimit > 0) ? querySkip + queryLimit : 0,
				java.util.Set.of());
		// --skip-queries: another subset of the same size, for a second look at a partial run
		current.keySet().removeAll(current.keySet().stream().limit(querySkip).toList());
		// a partial run keeps every prior case its queries cite, plus the first priorLimit others as distractors
		java.util.Set<String> cited = new java.util.HashSet<>();
		current.keySet().forEach((q) -> cited.addAll(qrels.getOrDefault(q, Map.of()).keySet()));
		Map<String, String> prior = texts(dir.resolve("Prior_Cases"), priorLimit, (priorLimit > 0) ? cited : java.util.Set.of());
		// some files of the dataset are empty: they cannot be indexed, so they can never be found (counted)
		List<String> empty = prior.entrySet().stream().filter((e) -> e.getValue().isBlank()).map(Map.Entry::getKey)
			.toList();
		empty.forEach(prior::remove);
		JsonNode settings = this.platform.ensureCollection(collection);
		long started = System.nanoTime();
		this.platform.ingest(collection, prior.entrySet().stream()
			.map((e) -> new Platform.Submission(e.getKey(), e.getKey(), e.getValue()))
			.toList());
		double ingestSeconds = (System.nanoTime() - started) / 1e9;

		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		int markers = 0;
		for (String form : forms) {
			if (!List.of("contexts", "whole", "paragraphs", "long-paragraphs").contains(form)) {
				throw new IllegalArgumentException(
						"unknown form " + form + ": use contexts, whole, paragraphs or long-paragraphs");
			}
			Map<String, String> queries = switch (form) {
				case "paragraphs" -> paragraphs(current);
				case "long-paragraphs" -> paragraphs(current, LONG_PARAGRAPH_BEFORE, PARAGRAPH_AFTER);
				default -> current;
			};
			for (String mode : modes) {
				Progress progress = new Progress(form + " " + mode, queries.size());
				Map<String, List<Double>> values = new LinkedHashMap<>();
				Map<String, Map<String, Double>> byQuery = new LinkedHashMap<>();
				perQuery.put(form + "/" + mode, byQuery);
				List<Double> millis = new ArrayList<>();
				int done = 0;
				for (Map.Entry<String, String> query : queries.entrySet()) {
					if ("contexts".equals(form) && modes.indexOf(mode) == 0) {
						markers += contexts(query.getValue()).size();
					}
					List<String> ranking;
					if (mode.startsWith("citations")) {
						// llm-adapter finds the contexts itself: the raw case, or without markers for the whole form
						String[] parts = mode.split(":");
						String searchMode = (parts.length > 1) ? parts[1] : "hybrid";
						String adapterMode = (parts.length > 2) ? parts[2] : "retrieval";
						// a fourth part "contexts": the markers' contexts only; "whole": also the whole text in
						// passages; "whole=0.5": with that weight against the markers' 1 (else the service's default)
						Boolean wholeText = (parts.length > 3) ? !"contexts".equals(parts[3]) : null;
						Double wholeWeight = (parts.length > 3 && parts[3].startsWith("whole="))
								? Double.valueOf(parts[3].substring("whole=".length())) : null;
						String text = "whole".equals(form) ? query.getValue().replace(MARKER, " ") : query.getValue();
						Platform.Search search = this.platform.citations(collection, text, adapterMode, searchMode, DEPTH,
								wholeText, wholeWeight);
						millis.add(search.millis());
						ranking = search.documents();
					}
					else if (mode.startsWith("views:")) {
						// what citation prediction fuses, from the same searches: the markers' contexts and the whole
						// text's passages, each view fused by reciprocal rank, then the two views weighted
						View view = View.parse(mode);
						List<String> marked = markerContexts(query.getValue(), view.mergeGap());
						List<String> markerView = view.weight() == View.PASSAGES_ONLY ? List.of()
								: Metrics.fuse(searchAll(collection, marked, view.search(), millis), 60);
						// a text without markers is searched whole whatever the weight, as the endpoint does
						List<String> wholeView = (view.weight() == 0 && !marked.isEmpty()) ? List.of()
								: Metrics.fuse(searchAll(collection, passages(query.getValue()), view.search(), millis), 60);
						ranking = View.fuse(markerView, wholeView, view.weight());
						ranking = ranking.subList(0, Math.min(DEPTH, ranking.size()));
					}
					else {
						// a paragraph is searched as it is: the plain search a user would make of the same text
						List<String> passages = switch (form) {
							case "contexts" -> contexts(query.getValue());
							case "paragraphs", "long-paragraphs" -> List.of(query.getValue());
							default -> passages(query.getValue());
						};
						ranking = Metrics.fuse(searchAll(collection, passages, mode, millis), 60);
						ranking = ranking.subList(0, Math.min(DEPTH, ranking.size()));
					}
					Map<String, Integer> judged = qrels.getOrDefault(caseOf(query.getKey()), Map.of());
					Map<String, Double> scores = new LinkedHashMap<>();
					scores.put("MAP", Metrics.averagePrecision(ranking, judged));
					scores.put("MRR", Metrics.mrr(ranking, judged, DEPTH));
					scores.put("P@5", Metrics.precision(ranking, judged, 5));
					scores.put("Recall@10", Metrics.recall(ranking, judged, 10));
					scores.put("Recall@100", Metrics.recall(ranking, judged, 100));
					scores.forEach((name, value) -> add(values, name, value));
					byQuery.put(query.getKey(), Report.perQuery(scores, ranking, judged));
					progress.update(++done);
				}
				Map<String, Double> means = new LinkedHashMap<>();
				values.forEach((name, list) -> means.put(name, Metrics.mean(list)));
				metrics.put(form + "/" + mode, means);
				// on the log as soon as a mode is done: a run stopped later still leaves its finished modes
				System.err.printf("done %s: %s%n", form + "/" + mode, means);
				latency.put(form + "/" + mode, Report.percentiles(millis));
			}
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("priorCases", prior.size());
		details.put("emptyPriorCasesSkipped", empty);
		details.put("currentCases", current.size());
		details.put("citationMarkers", markers);
		details.put("context", BEFORE + " chars before and " + AFTER + " after each marker");
		details.put("whole", "passages of ~" + PASSAGE + " chars, at most " + MAX_PASSAGES + " per case");
		details.put("fusion", "reciprocal rank, k 60, over each case's searches");
		details.put("ingestSeconds", Math.round(ingestSeconds * 10) / 10.0);
		// FIRE has no development split: which mode to use is chosen on the other folds' queries, per form (the
		// forms ask different queries: cases, or paragraphs cut from them)
		Map<String, Object> kFolds = new LinkedHashMap<>();
		for (String form : forms) {
			Map<String, Map<String, Map<String, Double>>> ofForm = new LinkedHashMap<>();
			perQuery.forEach((mode, byQuery) -> {
				if (mode.startsWith(form + "/")) {
					ofForm.put(mode, byQuery);
				}
			});
			if (folds > 1 && ofForm.size() > 1) {
				KFold.Outcome kFold = KFold.select(ofForm, "MAP", folds, 2017);
				kFolds.put(form, kFold.asDetails());
				System.err.printf("k-fold %s (%d folds, MAP): held out %.4f; chosen per fold %s%n", form, folds,
						kFold.heldOut(), kFold.folds().stream().map(KFold.Fold::chosen).toList());
			}
		}
		if (!kFolds.isEmpty()) {
			details.put("kFold", kFolds);
		}
		return new Report.Result("fire2017", collection, settings, details, metrics, latency, perQuery);
	}

	/**
	 * Every passage searched in {@code mode}, 4 at a time (so every embedding worker of the platform has work), each
	 * search done once per run: modes that fuse the same searches differently reuse them (their latency is the
	 * searches' own).
	 */
	private List<List<String>> searchAll(String collection, List<String> passages, String mode, List<Double> millis)
			throws InterruptedException, java.util.concurrent.ExecutionException {
		List<java.util.concurrent.Future<Platform.Search>> searches = new ArrayList<>();
		for (String passage : passages) {
			searches.add(this.searched.computeIfAbsent(mode + "\u0000" + passage,
					(key) -> this.searchers.submit(() -> this.platform.search(collection, passage, mode, DEPTH))));
		}
		List<List<String>> rankings = new ArrayList<>();
		for (java.util.concurrent.Future<Platform.Search> future : searches) {
			Platform.Search search = future.get();
			millis.add(search.millis());
			rankings.add(search.documents());
		}
		return rankings;
	}

	/** The markers' contexts alone ({@link #contexts} falls back to passages when a text has no marker). */
	static List<String> markerContexts(String text, int mergeGap) {
		return text.contains(MARKER) ? contexts(text, mergeGap) : List.of();
	}

	/**
	 * A {@code views:<search>:<weight>} mode: citation prediction's two views rebuilt from plain searches, the
	 * markers' contexts (weight 1) and the whole text's passages ({@code weight}; 0 = markers only, {@code passages}
	 * = the whole text alone, the plain search of the same text).
	 */
	record View(String search, double weight, int mergeGap) {

		static final double PASSAGES_ONLY = Double.POSITIVE_INFINITY;

		static View parse(String mode) {
			String[] parts = mode.split(":");
			if (parts.length < 3 || parts.length > 4 || !List.of("dense", "lexical", "hybrid").contains(parts[1])
					|| (parts.length == 4 && !parts[3].matches("merge=\\d{1,5}"))) {
				throw new IllegalArgumentException(
						"mode " + mode + ": use views:<dense|lexical|hybrid>:<weight|passages>[:merge=<chars>]");
			}
			int mergeGap = (parts.length == 4) ? Integer.parseInt(parts[3].substring("merge=".length())) : -1;
			if ("passages".equals(parts[2])) {
				return new View(parts[1], PASSAGES_ONLY, mergeGap);
			}
			double weight = Double.parseDouble(parts[2]);
			if (!(weight >= 0)) {
				throw new IllegalArgumentException("mode " + mode + ": the whole text's weight must be 0 or more");
			}
			return new View(parts[1], weight, mergeGap);
		}

		/**
		 * Weighted reciprocal rank fusion (k 60) of the markers' view (weight 1) and the whole text's: a view that is
		 * empty (no markers, or not asked for) leaves the other's order as it is.
		 */
		static List<String> fuse(List<String> markers, List<String> whole, double weight) {
			if (markers.isEmpty() || whole.isEmpty()) {
				return markers.isEmpty() ? whole : markers;
			}
			return Metrics.fuse(List.of(markers, whole), List.of(1.0, weight), 60);
		}

	}

	private static void add(Map<String, List<Double>> values, String name, double value) {
		values.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value);
	}

	/** The text around each citation marker, markers removed. */
	static List<String> contexts(String text) {
		return contexts(text, -1);
	}

	/**
	 * The text around each citation marker, markers removed; a marker at most {@code mergeGap} characters after the
	 * previous one (a list of citations, or two in one sentence) shares its context, which then runs from before the
	 * first to after the last (negative: never).
	 */
	static List<String> contexts(String text, int mergeGap) {
		List<int[]> groups = new ArrayList<>();
		for (int at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length())) {
			int[] last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
			if (last != null && at - last[1] <= mergeGap) {
				last[1] = at + MARKER.length();
			}
			else {
				groups.add(new int[] { at, at + MARKER.length() });
			}
		}
		List<String> contexts = new ArrayList<>();
		for (int[] group : groups) {
			String window = text.substring(Math.max(0, group[0] - BEFORE), Math.min(text.length(), group[1] + AFTER));
			String context = window.replace(MARKER, " ").replaceAll("\\s+", " ").trim();
			if (!context.isEmpty()) {
				contexts.add(context);
			}
		}
		return contexts.isEmpty() ? passages(text) : contexts;
	}

	/** The case a query id names: {@code current_case_0001} itself, or the case of {@code current_case_0001#2}. */
	static String caseOf(String queryId) {
		int hash = queryId.indexOf('#');
		return (hash < 0) ? queryId : queryId.substring(0, hash);
	}

	/** Characters of a paragraph before and after the marker it is built around. */
	static final int PARAGRAPH_BEFORE = 500;

	static final int PARAGRAPH_AFTER = 300;

	/**
	 * Characters before the marker in the {@code long-paragraphs} form: about one passage in all, so the marker's
	 * window (600 before, 200 after) covers about half of it (searched per marker unless citation prediction's
	 * {@code whole-query-chars} takes it in whole).
	 */
	static final int LONG_PARAGRAPH_BEFORE = 1200;

	/**
	 * Short texts built from the cases, the shape of a paragraph a user pastes: for each case, {@code PARAGRAPHS}
	 * paragraphs around markers spread over the case ({@value #PARAGRAPH_BEFORE} characters before the marker,
	 * {@value #PARAGRAPH_AFTER} after, cut at whitespace; a second marker inside stays). Their markers are rewritten as
	 * numbered ({@code [1]}, {@code [2]}) in even paragraphs and author-year ({@code (Sharma, 1994)}) in odd ones. A
	 * paragraph's judgments are its case's: which of the case's citations a marker stands for is not in the dataset.
	 */
	static Map<String, String> paragraphs(Map<String, String> cases) {
		return paragraphs(cases, PARAGRAPH_BEFORE, PARAGRAPH_AFTER);
	}

	/** The same with {@code before} and {@code after} characters around the marker. */
	static Map<String, String> paragraphs(Map<String, String> cases, int before, int after) {
		Map<String, String> paragraphs = new LinkedHashMap<>();
		for (Map.Entry<String, String> c : cases.entrySet()) {
			String text = c.getValue();
			List<Integer> markers = new ArrayList<>();
			for (int at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length())) {
				markers.add(at);
			}
			int count = Math.min(PARAGRAPHS, markers.size());
			for (int i = 0; i < count; i++) {
				int at = markers.get((int) ((long) markers.size() * (2 * i + 1) / (2 * count)));
				int start = Math.max(0, at - before);
				int end = Math.min(text.length(), at + MARKER.length() + after);
				int space = text.indexOf(' ', start);
				start = (start > 0 && space >= 0 && space < at) ? space + 1 : start;
				space = text.lastIndexOf(' ', end);
				end = (end < text.length() && space > at + MARKER.length()) ? space : end;
				String paragraph = text.substring(start, end).replaceAll("\\s+", " ").trim();
				StringBuilder styled = new StringBuilder();
				int n = 0;
				int from = 0;
				for (int m = paragraph.indexOf(MARKER); m >= 0; m = paragraph.indexOf(MARKER, from)) {
					n++;
					styled.append(paragraph, from, m)
						.append((i % 2 == 0) ? "[" + n + "]" : "(" + AUTHORS.get(n % AUTHORS.size()) + ", " + (1990 + n) + ")");
					from = m + MARKER.length();
				}
				styled.append(paragraph.substring(from));
				paragraphs.put(c.getKey() + "#" + (i + 1), styled.toString());
			}
		}
		return paragraphs;
	}

	/** Paragraphs per case in the {@code paragraphs} form. */
	static final int PARAGRAPHS = 2;

	private static final List<String> AUTHORS = List.of("Sharma", "Iyer", "Banerjee", "Rao");

	/** The whole text in passages of about {@link #PASSAGE} characters (cut at whitespace), evenly thinned. */
	static List<String> passages(String text) {
		String clean = text.replace(MARKER, " ").replaceAll("\\s+", " ").trim();
		List<String> passages = new ArrayList<>();
		int start = 0;
		while (start < clean.length()) {
			int end = Math.min(clean.length(), start + PASSAGE);
			if (end < clean.length()) {
				int space = clean.lastIndexOf(' ', end);
				end = (space > start) ? space : end;
			}
			passages.add(clean.substring(start, end).trim());
			start = end;
		}
		if (passages.size() <= MAX_PASSAGES) {
			return passages;
		}
		List<String> thinned = new ArrayList<>(MAX_PASSAGES);
		for (int i = 0; i < MAX_PASSAGES; i++) {
			thinned.add(passages.get((int) ((long) i * passages.size() / MAX_PASSAGES)));
		}
		return thinned;
	}

	/**
	 * File stem → text, in name order: all, or when {@code limit} is positive the files in {@code include} and
	 * the first {@code limit} others.
	 */
	private static Map<String, String> texts(Path dir, int limit, java.util.Set<String> include) throws IOException {
		if (!Files.isDirectory(dir)) {
			throw new IllegalArgumentException(dir + " is missing (see ../shared/datasets/README.md)");
		}
		Map<String, String> texts = new TreeMap<>();
		int others = 0;
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".txt")).sorted().toList()) {
				String name = file.getFileName().toString();
				String stem = name.substring(0, name.length() - 4);
				if (limit > 0 && !include.contains(stem)) {
					if (others == limit) {
						continue;
					}
					others++;
				}
				texts.put(stem, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
			}
		}
		return texts;
	}

	/** TREC qrels: {@code query 0 document grade}. */
	static Map<String, Map<String, Integer>> qrels(Path file) throws IOException {
		Map<String, Map<String, Integer>> qrels = new HashMap<>();
		for (String line : Files.readAllLines(file)) {
			String[] cells = line.trim().split("\\s+");
			if (cells.length == 4) {
				qrels.computeIfAbsent(cells[0], (q) -> new HashMap<>()).put(cells[2], Integer.parseInt(cells[3]));
			}
		}
		return qrels;
	}

}
