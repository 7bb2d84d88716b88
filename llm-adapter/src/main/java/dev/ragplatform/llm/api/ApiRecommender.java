package dev.ragplatform.llm.api;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ragplatform.llm.api.ExampleSelector.Candidate;
import dev.ragplatform.llm.api.ExampleSelector.SelectedExample;
import dev.ragplatform.llm.api.ExampleSelector.Source;
import dev.ragplatform.llm.api.Recommendation.DroppedApi;
import dev.ragplatform.llm.api.Recommendation.ExampleView;
import dev.ragplatform.llm.api.Recommendation.PassageView;
import dev.ragplatform.llm.api.Recommendation.RecommendedApi;
import dev.ragplatform.llm.api.Recommendation.SupportingExample;
import dev.ragplatform.llm.api.Recommendation.Syntax;
import dev.ragplatform.llm.api.Recommendation.Verification;
import dev.ragplatform.llm.api.SyntacticFeatures.Analysis;
import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.model.LanguageModel.Answer;
import dev.ragplatform.llm.model.LanguageModel;
import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;
import dev.ragplatform.llm.retrieval.RetrievalClient.Search;
import dev.ragplatform.llm.retrieval.RetrievalClient;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;

/**
 * Recommends API methods for a programming question, after APIGen: solved examples selected three ways (lexical,
 * syntactic, semantic; see {@link ExampleSelector}) vote for their APIs, the votes are fused with the dense and
 * lexical rankings of the API documentation ({@link VoteFusion}), and, with an LLM, the examples and the best
 * candidates' knowledge go into an in-context prompt whose answer is checked name by name against the API
 * collection ({@link ApiCatalog}): existing names pass, near misses are corrected, the rest are dropped. The LLM's
 * APIs come first, then the retrieval ranking fills up to {@code topK}. Every returned API exists in the collection.
 */
@Service
class ApiRecommender {

	static final String PURPOSE = "api-recommendation";

	/** Supporting examples and passages returned per API. */
	static final int SUPPORT = 5;

	static final int PASSAGES = 3;

	private final RetrievalClient retrieval;

	private final ExampleSelector selector;

	private final SyntacticFeatures syntax;

	private final ApiCatalog catalog;

	private final LanguageModel llm;

	private final LlmAdapterProperties.Apis settings;

	ApiRecommender(RetrievalClient retrieval, ExampleSelector selector, SyntacticFeatures syntax, ApiCatalog catalog,
			LanguageModel llm, LlmAdapterProperties properties) {
		this.retrieval = retrieval;
		this.selector = selector;
		this.syntax = syntax;
		this.catalog = catalog;
		this.llm = llm;
		this.settings = properties.apis();
	}

	Recommendation recommend(Query query) {
		long started = System.nanoTime();
		// 404 for an unknown collection before any work
		this.retrieval.collection(query.apiCollection());
		if (query.examplesCollection() != null) {
			this.retrieval.collection(query.examplesCollection());
		}
		Analysis analysis = this.syntax.analyze(query.text());
		Searched searched = search(query, analysis);
		List<SelectedExample> selected = this.selector.merge(searched.picks(), query.weights());
		Evidence evidence = new Evidence();
		List<DroppedApi> dropped = new ArrayList<>();
		Map<String, Double> fused = fuse(query, searched, selected, evidence, dropped);
		Asked asked = ask(query, selected, fused, evidence, dropped);
		List<RecommendedApi> ranked = rank(query.topK(), asked.chosen(), fused, evidence, selected);
		List<ExampleView> exampleViews = selected.stream()
			.map((e) -> new ExampleView(e.hit().documentId(), e.hit().externalId(), e.title(), e.apis(),
					round(e.weight()), e.scores()))
			.toList();
		Syntax syntaxView = new Syntax(analysis.verbObjects().stream().map(Object::toString).toList(),
				String.join(" ", analysis.pattern()));
		Map<String, Long> timings = new LinkedHashMap<>();
		timings.put("totalMs", (System.nanoTime() - started) / 1_000_000);
		if (asked.llmMillis() != null) {
			timings.put("llmMs", asked.llmMillis());
		}
		String model = (asked.mode() == Mode.LLM || asked.degraded()) ? this.llm.model() : null;
		return new Recommendation(asked.mode().label(), asked.degraded(), asked.reason(), model, asked.reasoning(),
				ranked, dropped, exampleViews, searched.examplesRescoring(), searched.documentsRescoring(), syntaxView,
				timings);
	}

	/**
	 * What the searches found, run side by side: the examples each selector picked, and the dense and lexical
	 * rankings of the API documents ({@code adapted} when a task adapter ranked them: their ranking earns its own
	 * weight).
	 */
	private record Searched(Map<Source, List<Candidate>> picks, String examplesRescoring, List<Hit> dense,
			boolean adapted, String documentsRescoring, List<Hit> lexical) {
	}

	private Searched search(Query query, Analysis analysis) {
		String apis = query.apiCollection();
		String examples = query.examplesCollection();
		JsonNode filter = query.examplesFilter();
		Map<Source, List<Candidate>> picks = new EnumMap<>(Source.class);
		String rescoring = null;
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<List<Candidate>> byWords = (examples != null)
					? pool.submit(() -> this.selector.lexical(examples, query.text(), filter, query.examplesPerSource())) : null;
			Future<List<Candidate>> bySyntax = (examples != null)
					? pool.submit(() -> this.selector.syntactic(examples, analysis, filter, query.examplesPerSource())) : null;
			Future<ExampleSelector.Picked> byMeaning = (examples != null)
					? pool.submit(() -> this.selector.semantic(examples, query.text(), filter, query.examplesPerSource(),
							query.rerankExamples())) : null;
			int depth = this.settings.apiCandidates();
			Future<RetrievalClient.Results> denseDocs = pool.submit(() -> this.retrieval
				.searchResults(Search.of(apis, query.text(), "dense", depth)
					.withTask(task(this.settings.apiTask()))
					.withRerank(query.rerankDocuments())));
			Future<List<Hit>> lexicalDocs = pool
				.submit(() -> this.retrieval.search(Search.of(apis, query.text(), "lexical", depth)));
			if (examples != null) {
				picks.put(Source.LEXICAL, get(byWords));
				picks.put(Source.SYNTACTIC, get(bySyntax));
				ExampleSelector.Picked semantic = get(byMeaning);
				picks.put(Source.SEMANTIC, semantic.candidates());
				rescoring = semantic.rescoring();
			}
			RetrievalClient.Results dense = get(denseDocs);
			return new Searched(picks, rescoring, dense.hits(), dense.adapted(), dense.rescoring(), get(lexicalDocs));
		}
	}

	/**
	 * The examples' votes fused with the documents' rankings. An API that examples name but the collection lacks is
	 * dropped, with the reason.
	 */
	private Map<String, Double> fuse(Query query, Searched searched, List<SelectedExample> selected,
			Evidence evidence, List<DroppedApi> dropped) {
		String apis = query.apiCollection();
		List<String> denseRanking = evidence.add("dense", searched.dense());
		List<String> lexicalRanking = evidence.add("lexical", searched.lexical());
		Map<String, Double> votes = VoteFusion
			.tally(selected.stream().map((e) -> new VoteFusion.Vote(e.weight(), e.apis())).toList());
		List<String> unseen = votes.keySet().stream().filter((a) -> !evidence.has(a)).toList();
		if (!unseen.isEmpty()) {
			this.catalog.lookup(apis, unseen, query.text()).forEach((api, hits) -> evidence.add(api, "lookup", hits));
		}
		for (String api : unseen) {
			if (!evidence.has(api)) {
				long by = selected.stream().filter((e) -> e.apis().contains(api)).count();
				dropped.add(new DroppedApi(api, "examples", null,
						"named by " + by + " selected example" + ((by == 1) ? "" : "s") + " but not in " + apis));
			}
		}
		votes.keySet().removeIf((api) -> !evidence.has(api));
		LlmAdapterProperties.Apis.Weights w = query.weights();
		return VoteFusion.fuse(List.of(new VoteFusion.Ranking("votes", VoteFusion.rank(votes), w.votes()),
				new VoteFusion.Ranking("documents", denseRanking,
						searched.adapted() ? w.adaptedDocuments() : w.documents()),
				new VoteFusion.Ranking("names", lexicalRanking, w.names())), w.rrfK());
	}

	/** What came of asking the LLM, if it was asked: its checked choices, or why retrieval alone ranks. */
	private record Asked(Mode mode, boolean degraded, String reason, String reasoning, Long llmMillis,
			List<Chosen> chosen) {
	}

	private Asked ask(Query query, List<SelectedExample> selected, Map<String, Double> fused, Evidence evidence,
			List<DroppedApi> dropped) {
		Mode requested = (query.mode() != null) ? query.mode() : (this.llm.configured() ? Mode.LLM : Mode.RETRIEVAL);
		if (requested != Mode.LLM) {
			return new Asked(Mode.RETRIEVAL, false, null, null, null, List.of());
		}
		if (!this.llm.configured()) {
			return new Asked(Mode.RETRIEVAL, false, "mode llm was asked for, but no LLM is configured "
					+ "(rag.llm.provider=none): ranked by retrieval alone", null, null, List.of());
		}
		long started = System.nanoTime();
		Answer<ApiPrompt.Choice> answer = this.llm.ask(PURPOSE, ApiPrompt.SYSTEM,
				prompt(query, selected, fused, evidence), ApiPrompt.Choice.class);
		Long llmMillis = (System.nanoTime() - started) / 1_000_000;
		if (!answer.ok()) {
			return new Asked(Mode.RETRIEVAL, answer.asked(), answer.failure() + "; ranked by retrieval alone", null,
					llmMillis, List.of());
		}
		return new Asked(Mode.LLM, false, null, answer.value().reasoning(), llmMillis,
				verify(query, answer.value(), fused.keySet(), evidence, dropped));
	}

	/** The LLM's checked APIs first, then the fused retrieval ranking, up to {@code topK}. */
	private List<RecommendedApi> rank(int topK, List<Chosen> chosen, Map<String, Double> fused, Evidence evidence,
			List<SelectedExample> selected) {
		List<RecommendedApi> ranked = new ArrayList<>();
		Set<String> taken = new HashSet<>();
		for (Chosen c : chosen) {
			if (ranked.size() < topK && taken.add(c.api())) {
				ranked.add(describe(ranked.size() + 1, c.api(), "llm", c.verification(), c.why(), fused, evidence,
						selected));
			}
		}
		for (String api : fused.keySet()) {
			if (ranked.size() < topK && taken.add(api)) {
				ranked.add(describe(ranked.size() + 1, api, "retrieval", new Verification("verified", null, null), null,
						fused, evidence, selected));
			}
		}
		return ranked;
	}

	private String prompt(Query query, List<SelectedExample> selected, Map<String, Double> fused, Evidence evidence) {
		List<ApiPrompt.ExampleLine> examples = selected.stream()
			.limit(this.settings.llmExamples())
			.map((e) -> new ApiPrompt.ExampleLine(e.title(), e.apis()))
			.toList();
		List<ApiPrompt.CandidateLine> candidates = fused.keySet()
			.stream()
			.limit(this.settings.llmCandidates())
			.map((api) -> {
				ApiCatalog.Description d = ApiCatalog.describe(api, evidence.hits(api));
				return new ApiPrompt.CandidateLine(api, d.signature(), d.summary());
			})
			.toList();
		return ApiPrompt.user(query.text(), examples, candidates, query.topK());
	}

	/** Each name the LLM gave, checked against the collection: kept, corrected to an existing name, or dropped. */
	private List<Chosen> verify(Query query, ApiPrompt.Choice choice, Set<String> known, Evidence evidence,
			List<DroppedApi> dropped) {
		List<ApiPrompt.Choice.Named> named = (choice.apis() != null) ? choice.apis() : List.of();
		Map<String, ApiPrompt.Choice.Named> byName = new LinkedHashMap<>();
		for (ApiPrompt.Choice.Named n : named) {
			if (n != null && n.api() != null && !ApiNames.normalize(n.api()).isEmpty()) {
				byName.putIfAbsent(ApiNames.normalize(n.api()), n);
			}
		}
		Map<String, List<Hit>> existing = byName.isEmpty() ? Map.of()
				: this.catalog.lookup(query.apiCollection(), byName.keySet(), query.text());
		existing.forEach((api, hits) -> evidence.add(api, "lookup", hits));
		Set<String> candidates = new LinkedHashSet<>(known);
		candidates.addAll(existing.keySet());
		Map<String, Future<Optional<ApiCatalog.Correction>>> corrections = new LinkedHashMap<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (String name : byName.keySet()) {
				if (!existing.containsKey(name)) {
					corrections.put(name, pool.submit(() -> this.catalog.closest(query.apiCollection(), name,
							candidates, this.settings.correctionThreshold())));
				}
			}
			List<Chosen> chosen = new ArrayList<>();
			for (Map.Entry<String, ApiPrompt.Choice.Named> entry : byName.entrySet()) {
				String name = entry.getKey();
				String original = entry.getValue().api();
				if (existing.containsKey(name)) {
					boolean asWritten = name.equals(original.strip());
					chosen.add(new Chosen(name, new Verification("verified", asWritten ? null : original, null),
							entry.getValue().why()));
					continue;
				}
				Optional<ApiCatalog.Correction> correction = get(corrections.get(name));
				if (correction.isPresent()) {
					ApiCatalog.Correction c = correction.get();
					evidence.add(c.api(), "correction", c.hits());
					if (!evidence.has(c.api())) {
						evidence.add(c.api(), "lookup", this.catalog.lookup(query.apiCollection(), List.of(c.api()),
								query.text()).getOrDefault(c.api(), List.of()));
					}
					chosen.add(new Chosen(c.api(), new Verification("corrected", original, round(c.similarity())),
							entry.getValue().why()));
				}
				else {
					dropped.add(new DroppedApi(original, "llm", entry.getValue().why(), "not in "
							+ query.apiCollection() + ", and no existing API has a name similarity of at least "
							+ this.settings.correctionThreshold()));
				}
			}
			return chosen;
		}
	}

	private RecommendedApi describe(int rank, String api, String source, Verification verification, String why,
			Map<String, Double> fused, Evidence evidence, List<SelectedExample> selected) {
		List<Evidence.Passage> passages = evidence.passages(api);
		ApiCatalog.Description description = ApiCatalog.describe(api,
				passages.stream().map(Evidence.Passage::hit).toList());
		List<PassageView> passageViews = passages.stream()
			.limit(PASSAGES)
			.map((p) -> new PassageView(p.hit().documentId(), p.hit().externalId(), p.hit().chunkIndex(),
					p.hit().startOffset(), p.hit().endOffset(), round(p.hit().score()), p.search()))
			.toList();
		List<SupportingExample> support = selected.stream()
			.filter((e) -> e.apis().contains(api))
			.limit(SUPPORT)
			.map((e) -> new SupportingExample(e.hit().documentId(), e.hit().externalId(), e.title(), round(e.weight())))
			.toList();
		return new RecommendedApi(rank, api, description.signature(), description.summary(),
				round(fused.getOrDefault(api, 0.0)), source, verification, why, support, passageViews);
	}

	private static String task(String task) {
		return (task == null || task.isBlank()) ? null : task;
	}

	private static double round(double value) {
		return Math.round(value * 1e6) / 1e6;
	}

	private static <T> T get(Future<T> future) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	/** Whether an LLM takes part. */
	enum Mode {

		RETRIEVAL("retrieval"), LLM("llm");

		private final String label;

		Mode(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

	}

	/**
	 * A checked recommendation request.
	 *
	 * @param text the question
	 * @param apiCollection the API documentation
	 * @param examplesCollection solved examples, or null
	 * @param topK how many APIs
	 * @param mode the requested mode, null for the default
	 * @param examplesFilter retrieval-service metadata filter applied to every example search, or null
	 * @param examplesPerSource examples each selector picks (the configured number unless the request sets one)
	 * @param weights the fusion's weights (the configured ones, with any the request sets)
	 * @param rerankExamples whether the semantic selector's examples are re-scored by late interaction
	 * @param rerankDocuments whether the dense ranking of the API documents is re-scored by late interaction before it
	 * is fused
	 */
	record Query(String text, String apiCollection, String examplesCollection, int topK, Mode mode,
			JsonNode examplesFilter, int examplesPerSource, LlmAdapterProperties.Apis.Weights weights,
			boolean rerankExamples, boolean rerankDocuments) {
	}

	private record Chosen(String api, Verification verification, String why) {
	}

}
