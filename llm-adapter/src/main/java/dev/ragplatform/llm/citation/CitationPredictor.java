package dev.ragplatform.llm.citation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.model.LanguageModel;
import dev.ragplatform.llm.model.LanguageModel.Answer;
import dev.ragplatform.llm.retrieval.RetrievalClient;
import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;
import dev.ragplatform.llm.retrieval.RetrievalClient.Search;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.stereotype.Service;

/**
 * Predicts which documents of a collection a text cites. Each citation context is searched on its own; its chunk
 * hits become a document ranking (best chunk as evidence), and the contexts' rankings are fused by reciprocal rank
 * (k 60) — the retrieval baseline the eval harness measures. With an LLM (the hybrid of the legal citation
 * prediction work): per context the LLM writes what the cited source would say (query expansion, searched too) and
 * then chooses among the retrieved candidates by label, so it cannot name a document that was not retrieved.
 * {@code llm} ranks the LLM's choices first; {@code ensemble} fuses retrieval, expansion and choice by rank voting.
 * Every returned document is looked up in the collection before it is returned.
 */
@Service
class CitationPredictor {

	static final int RRF_K = 60;

	/** Searches of one request in flight at once: one per embedding worker on a small machine. */
	private static final int SEARCHES_IN_FLIGHT = 4;

	private static final String EXPANSION_SYSTEM = """
			You help find the source that a passage cites. Given the text around a citation, write the passage \
			that the cited source most likely contains: the rule, holding, finding or fact being relied on, in the \
			source's own register. Do not name cases, authors or documents you are unsure of.""";

	private static final String CHOICE_SYSTEM = """
			You predict citations. You are given the text around a citation and numbered candidate sources, each \
			with an excerpt. Decide which candidates the citation refers to. Answer only with candidate labels \
			from the list (such as "C3"), most likely first; an empty list when none fits. Reason briefly first.""";

	private final RetrievalClient retrieval;

	private final LanguageModel llm;

	private final LlmAdapterProperties.Citations settings;

	private final CitationContexts.Rules rules;

	CitationPredictor(RetrievalClient retrieval, LanguageModel llm, LlmAdapterProperties properties) {
		this.retrieval = retrieval;
		this.llm = llm;
		this.settings = properties.citations();
		this.rules = new CitationContexts.Rules(this.settings.charsBefore(), this.settings.charsAfter(),
				this.settings.maxContexts(), this.settings.maxPassages(), this.settings.wholeTextCoverage(),
				this.settings.mergeGap(), this.settings.wholeQueryChars());
	}

	Prediction predict(Query query) {
		long started = System.nanoTime();
		this.retrieval.collection(query.collection()); // 404 for an unknown collection before any work
		CitationContexts.Found found = CitationContexts.find(query.text(), this.rules, query.wholeText());
		if (found.contexts().isEmpty()) {
			throw ServiceProblem.badRequest("The text has nothing to search: it is only markers and whitespace.");
		}
		Mode mode = query.mode();
		boolean useLlm = mode != Mode.RETRIEVAL && this.llm.configured();
		int depth = this.settings.candidatesPerContext();

		List<ContextResult> results = fanOut(found.contexts(), (context) -> () -> {
			Ranking retrieved = search(query, context.query(), depth);
			// the LLM reads the marker contexts; whole-text passages only when there are none (cost)
			if (!useLlm || ("passage".equals(context.kind()) && found.hasMarkerContexts())) {
				return new ContextResult(context, retrieved, null, null, null);
			}
			Answer<Expansion> expansion = this.llm.ask("citation-expansion", EXPANSION_SYSTEM,
					"Text around the citation:\n\"\"\"\n" + context.query() + "\n\"\"\"", Expansion.class);
			Ranking expanded = (expansion.ok() && !blank(expansion.value().passage()))
					? search(query, expansion.value().passage(), depth) : null;
			Ranking candidates = (expanded != null) ? Ranking.fuse(List.of(retrieved, expanded)) : retrieved;
			List<Found> shown = candidates.documents().subList(0,
					Math.min(this.settings.llmCandidates(), candidates.documents().size()));
			// an LLM that failed the expansion (down, slow, or unparseable twice) is not asked again for this context
			Answer<Choice> choice = (shown.isEmpty() || !expansion.ok()) ? null
					: this.llm.ask("citation-choice", CHOICE_SYSTEM, choicePrompt(context, shown), Choice.class);
			String failure = !expansion.ok() ? expansion.failure()
					: (choice != null && !choice.ok()) ? choice.failure() : null;
			Ranking chosen = (choice != null && choice.ok()) ? chosen(choice.value(), shown) : null;
			return new ContextResult(context, retrieved, expanded, chosen, failure);
		});

		double wholeWeight = query.wholeTextWeight();
		Ranking retrievalRanking = byKind(results, ContextResult::retrieved, wholeWeight);
		List<String> failures = results.stream().map(ContextResult::failure).filter((f) -> f != null).toList();
		boolean llmAnswered = results.stream().anyMatch((r) -> r.chosen() != null || r.expanded() != null);
		long llmContexts = results.stream()
			.filter((r) -> !"passage".equals(r.context().kind()) || !found.hasMarkerContexts())
			.count();
		Ranking finalRanking = retrievalRanking;
		String answeredMode = "retrieval";
		if (useLlm && llmAnswered) {
			Ranking expansionRanking = byKind(results, ContextResult::expanded, wholeWeight);
			Ranking choiceRanking = byKind(results, ContextResult::chosen, wholeWeight);
			if (mode == Mode.ENSEMBLE) {
				finalRanking = Ranking.fuse(List.of(retrievalRanking, expansionRanking, choiceRanking));
			}
			else {
				finalRanking = choiceRanking.then(Ranking.fuse(List.of(retrievalRanking, expansionRanking)));
			}
			answeredMode = mode.name().toLowerCase(Locale.ROOT);
		}
		// degraded: an LLM was asked and failed (for some contexts, or for all: then the mode is "retrieval")
		boolean degraded = useLlm && !failures.isEmpty();
		String reason = null;
		if (degraded) {
			reason = failures.size() + " of " + llmContexts + " contexts lost their LLM answer: " + failures.get(0);
		}
		else if (mode != Mode.RETRIEVAL && !useLlm) {
			reason = "no LLM is configured (rag.llm.provider=none): the answer comes from retrieval alone";
		}

		List<Cited> cited = new ArrayList<>();
		int dropped = 0;
		for (Found document : finalRanking.documents()) {
			if (cited.size() == query.topK()) {
				break;
			}
			if (!this.retrieval.exists(query.collection(), document.hit().documentId())) {
				dropped++; // deleted since it was found: never return what the collection does not hold
				continue;
			}
			cited.add(new Cited(cited.size() + 1, document, finalRanking.score(document.hit().documentId()),
					supports(document.hit().documentId(), results), sources(document.hit().documentId(), results)));
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		return new Prediction(answeredMode, degraded, reason, useLlm ? this.llm.model() : null, found, cited,
				dropped, millis);
	}

	/**
	 * The contexts' rankings fused by reciprocal rank, markers' and whole-text passages' apart, then the two views
	 * fused, the whole text's with {@code wholeWeight} against the markers' 1 (so 40 passages do not outvote 3
	 * markers).
	 */
	static Ranking byKind(List<ContextResult> results, java.util.function.Function<ContextResult, Ranking> ranking,
			double wholeWeight) {
		List<Ranking> views = new ArrayList<>();
		List<Double> weights = new ArrayList<>();
		for (String kind : List.of("marker", "passage")) {
			List<Ranking> rankings = results.stream()
				.filter((r) -> r.context().kind().equals(kind))
				.map(ranking)
				.filter((r) -> r != null)
				.toList();
			if (!rankings.isEmpty()) {
				views.add(Ranking.fuse(rankings));
				weights.add("marker".equals(kind) ? 1.0 : wholeWeight);
			}
		}
		return (views.size() == 1) ? views.get(0) : Ranking.fuse(views, weights);
	}

	private Ranking search(Query query, String text, int depth) {
		return Ranking.of(this.retrieval.search(Search.of(query.collection(), text, query.searchMode(), depth)
			.withRerank(query.rerank())));
	}

	private static String choicePrompt(CitationContexts.Context context, List<Found> shown) {
		StringBuilder prompt = new StringBuilder("Text around the citation:\n\"\"\"\n").append(context.query())
			.append("\n\"\"\"\n\nCandidates:\n");
		for (int i = 0; i < shown.size(); i++) {
			Hit hit = shown.get(i).hit();
			String name = (hit.title() != null) ? hit.title() : (hit.externalId() != null) ? hit.externalId() : "";
			String excerpt = hit.text().replaceAll("\\s+", " ");
			if (excerpt.length() > 600) {
				excerpt = excerpt.substring(0, 600) + "…";
			}
			prompt.append("[C").append(i + 1).append("] ").append(name).append(": ").append(excerpt).append('\n');
		}
		return prompt.toString();
	}

	/** The LLM's labels mapped to candidates; labels outside the list are ignored, so nothing is invented. */
	static Ranking chosen(Choice choice, List<Found> shown) {
		List<Found> picked = new ArrayList<>();
		Set<Integer> seen = new LinkedHashSet<>();
		for (String label : (choice.cited() != null) ? choice.cited() : List.<String>of()) {
			String digits = (label == null) ? "" : label.replaceAll("[^0-9]", "");
			if (digits.isEmpty() || digits.length() > 4) {
				continue;
			}
			int index = Integer.parseInt(digits) - 1;
			if (index >= 0 && index < shown.size() && seen.add(index)) {
				picked.add(shown.get(index));
			}
		}
		return new Ranking(picked, scores(picked));
	}

	private static List<Support> supports(String documentId, List<ContextResult> results) {
		List<Support> supports = new ArrayList<>();
		for (ContextResult result : results) {
			int rank = result.retrieved().rank(documentId);
			if (result.expanded() != null && rank < 0) {
				rank = result.expanded().rank(documentId);
			}
			boolean chosen = result.chosen() != null && result.chosen().rank(documentId) >= 0;
			if (rank >= 0 || chosen) {
				supports.add(new Support(result.context().index(), (rank >= 0) ? rank + 1 : null, chosen));
			}
		}
		return supports;
	}

	private static List<String> sources(String documentId, List<ContextResult> results) {
		Set<String> sources = new LinkedHashSet<>();
		for (ContextResult result : results) {
			if (result.retrieved().rank(documentId) >= 0) {
				sources.add("retrieval");
			}
			if (result.expanded() != null && result.expanded().rank(documentId) >= 0) {
				sources.add("expansion");
			}
			if (result.chosen() != null && result.chosen().rank(documentId) >= 0) {
				sources.add("llm");
			}
		}
		return List.copyOf(sources);
	}

	private static <T> List<ContextResult> fanOut(List<T> items,
			java.util.function.Function<T, Supplier<ContextResult>> work) {
		Semaphore permits = new Semaphore(SEARCHES_IN_FLIGHT);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<ContextResult>> futures = new ArrayList<>();
			for (T item : items) {
				Supplier<ContextResult> task = work.apply(item);
				futures.add(pool.submit(() -> {
					permits.acquire();
					try {
						return task.get();
					}
					finally {
						permits.release();
					}
				}));
			}
			List<ContextResult> results = new ArrayList<>();
			for (Future<ContextResult> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ServiceProblem.dependencyUnavailable("interrupted while searching");
		}
	}

	private static boolean blank(String text) {
		return text == null || text.isBlank();
	}

	private static Map<String, Double> scores(List<Found> ordered) {
		Map<String, Double> scores = new HashMap<>();
		for (int i = 0; i < ordered.size(); i++) {
			scores.put(ordered.get(i).hit().documentId(), 1.0 / (RRF_K + i + 1));
		}
		return scores;
	}

	/** The modes of a prediction. */
	enum Mode {

		/** Retrieval per context, fused per document. */
		RETRIEVAL,

		/** The LLM's choices among retrieved candidates first, then retrieval and expansion. */
		LLM,

		/** Rank voting of retrieval, expansion and the LLM's choices. */
		ENSEMBLE

	}

	/**
	 * A request.
	 *
	 * @param collection the corpus that may be cited
	 * @param text the citing passage or judgment
	 * @param topK how many documents
	 * @param mode how to predict
	 * @param searchMode retrieval-service's search mode per context
	 * @param rerank whether retrieval-service reranks each context's candidates
	 * @param wholeText whether a text with markers is also searched whole, in passages
	 * @param wholeTextWeight the whole text's weight in the fusion against the markers' (1)
	 */
	record Query(String collection, String text, int topK, Mode mode, String searchMode, boolean rerank,
			boolean wholeText, double wholeTextWeight) {
	}

	/** The LLM's expansion of a context. */
	record Expansion(String passage) {
	}

	/** The LLM's choice among candidates, by label. */
	record Choice(String reasoning, List<String> cited) {
	}

	/** One document found for a context: its best chunk there. */
	record Found(Hit hit) {
	}

	/** Documents in order with a score each. */
	record Ranking(List<Found> documents, Map<String, Double> scoreById) {

		/** Chunk hits to documents: first (best) chunk of each document, in order. */
		static Ranking of(List<Hit> hits) {
			Map<String, Found> documents = new LinkedHashMap<>();
			for (Hit hit : hits) {
				documents.putIfAbsent(hit.documentId(), new Found(hit));
			}
			List<Found> ordered = new ArrayList<>(documents.values());
			return new Ranking(ordered, scores(ordered));
		}

		/** Reciprocal rank fusion (k 60); each document keeps the evidence of its best-ranked appearance. */
		static Ranking fuse(List<Ranking> rankings) {
			return fuse(rankings, java.util.Collections.nCopies(rankings.size(), 1.0));
		}

		/** Weighted reciprocal rank fusion: each ranking's {@code 1 / (k + rank)} times its weight. */
		static Ranking fuse(List<Ranking> rankings, List<Double> weights) {
			Map<String, Double> fused = new HashMap<>();
			Map<String, Found> best = new HashMap<>();
			Map<String, Integer> bestRank = new HashMap<>();
			for (int r = 0; r < rankings.size(); r++) {
				Ranking ranking = rankings.get(r);
				double weight = weights.get(r);
				for (int i = 0; i < ranking.documents().size(); i++) {
					Found found = ranking.documents().get(i);
					String id = found.hit().documentId();
					fused.merge(id, weight / (RRF_K + i + 1), Double::sum);
					if (i < bestRank.getOrDefault(id, Integer.MAX_VALUE)) {
						bestRank.put(id, i);
						best.put(id, found);
					}
				}
			}
			List<Found> ordered = new ArrayList<>(best.values());
			ordered.sort((a, b) -> {
				int byScore = Double.compare(fused.get(b.hit().documentId()), fused.get(a.hit().documentId()));
				return (byScore != 0) ? byScore : a.hit().documentId().compareTo(b.hit().documentId());
			});
			return new Ranking(ordered, fused);
		}

		/** This ranking, then the other's documents that are not in it. */
		Ranking then(Ranking rest) {
			List<Found> ordered = new ArrayList<>(this.documents);
			Set<String> seen = new java.util.HashSet<>();
			this.documents.forEach((f) -> seen.add(f.hit().documentId()));
			for (Found found : rest.documents()) {
				if (seen.add(found.hit().documentId())) {
					ordered.add(found);
				}
			}
			return new Ranking(ordered, scores(ordered));
		}

		int rank(String documentId) {
			for (int i = 0; i < this.documents.size(); i++) {
				if (this.documents.get(i).hit().documentId().equals(documentId)) {
					return i;
				}
			}
			return -1;
		}

		double score(String documentId) {
			return this.scoreById.getOrDefault(documentId, 0.0);
		}

	}

	/** What one context found. */
	record ContextResult(CitationContexts.Context context, Ranking retrieved, Ranking expanded, Ranking chosen,
			String failure) {
	}

	/**
	 * A context a document is found for.
	 *
	 * @param context the context's index
	 * @param rank the document's 1-based rank in the context's retrieval (or expansion) ranking, null if only chosen
	 * @param chosen whether the LLM chose it for that context
	 */
	record Support(int context, Integer rank, boolean chosen) {
	}

	/** One predicted citation. */
	record Cited(int rank, Found document, double score, List<Support> supports, List<String> sources) {
	}

	/** The whole answer. */
	record Prediction(String mode, boolean degraded, String reason, String model,
			CitationContexts.Found contexts, List<Cited> documents, int droppedUnverified, long millis) {
	}

}
