package dev.ragplatform.llm.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.llm.api.SyntacticFeatures.Analysis;
import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.retrieval.RetrievalClient;
import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;
import dev.ragplatform.llm.retrieval.RetrievalClient.Search;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * APIGen's diverse selection of solved examples (documents with metadata {@code apis} and {@code titleKey}): three
 * selectors, each picking {@code rag.llm.apis.examples-per-source} examples (or the number a request sets), whose
 * picks are merged.
 * <ul>
 * <li>{@link Source#LEXICAL}: BM25 over the examples with the whole question.</li>
 * <li>{@link Source#SYNTACTIC}: BM25 over the examples with only the question's verb–object words (a pool five
 * times larger), each candidate then re-scored by {@link SyntacticFeatures#overlap} — shared verb–object pairs,
 * verbs, objects and POS pattern — and kept only if it shares a verb.</li>
 * <li>{@link Source#SEMANTIC}: dense search, with the configured task.</li>
 * </ul>
 * An example's weight is {@code Σ selector weight × its score / the selector's best score}, so one found by
 * several selectors weighs more.
 */
@Component
class ExampleSelector {

	/** The syntactic selector re-scores this many times as many lexical candidates as it keeps. */
	static final int SYNTACTIC_POOL = 5;

	private final RetrievalClient retrieval;

	private final SyntacticFeatures syntax;

	private final LlmAdapterProperties.Apis settings;

	ExampleSelector(RetrievalClient retrieval, SyntacticFeatures syntax, LlmAdapterProperties properties) {
		this.retrieval = retrieval;
		this.syntax = syntax;
		this.settings = properties.apis();
	}

	List<Candidate> lexical(String collection, String query, JsonNode filter, int k) {
		return candidates(this.retrieval.search(Search.of(collection, query, "lexical", k).withFilter(filter)), k);
	}

	/**
	 * The dense search's examples, re-scored by retrieval-service's rerank when {@code rerank} is set (then with what
	 * re-scored them, or why nothing did).
	 */
	Picked semantic(String collection, String query, JsonNode filter, int k, boolean rerank) {
		RetrievalClient.Results results = this.retrieval.searchResults(Search.of(collection, query, "dense", k)
			.withTask(blankToNull(this.settings.examplesTask()))
			.withFilter(filter)
			.withRerank(rerank));
		return new Picked(candidates(results.hits(), k), results.rescoring());
	}

	/** A selector's examples and, for a re-scored search, what re-scored them. */
	record Picked(List<Candidate> candidates, String rescoring) {
	}

	/** Empty when the question has no verb–object pair to search by. */
	List<Candidate> syntactic(String collection, Analysis question, JsonNode filter, int k) {
		String phrase = question.phraseQuery();
		if (phrase.isBlank()) {
			return List.of();
		}
		int pool = Math.min(1000, k * SYNTACTIC_POOL);
		List<Candidate> found = candidates(
				this.retrieval.search(Search.of(collection, phrase, "lexical", pool).withFilter(filter)), pool);
		List<Analysis> analyses = this.syntax.analyze(found.stream().map(Candidate::title).toList());
		List<Candidate> rescored = new ArrayList<>();
		for (int i = 0; i < found.size(); i++) {
			double overlap = SyntacticFeatures.overlap(question, analyses.get(i));
			if (overlap > 0) {
				rescored.add(found.get(i).withScore(overlap));
			}
		}
		// stable sort: equal overlaps keep BM25's order
		rescored.sort(Comparator.comparingDouble(Candidate::score).reversed());
		return List.copyOf(rescored.subList(0, Math.min(k, rescored.size())));
	}

	/** Merges the selectors' picks into weighted examples, heaviest first. */
	List<SelectedExample> merge(Map<Source, List<Candidate>> picks, LlmAdapterProperties.Apis.Weights weights) {
		Map<String, SelectedExample> merged = new LinkedHashMap<>();
		for (Source source : Source.values()) {
			List<Candidate> candidates = picks.getOrDefault(source, List.of());
			double best = candidates.stream().mapToDouble(Candidate::score).max().orElse(0);
			for (Candidate c : candidates) {
				double normalized = (best > 0) ? c.score() / best : 0;
				SelectedExample previous = merged.get(c.hit().documentId());
				SelectedExample example = (previous != null) ? previous
						: new SelectedExample(c.hit(), c.title(), c.apis(), 0, new LinkedHashMap<>());
				example.scores().put(source.label(), c.score());
				merged.put(c.hit().documentId(), example.plus(source.weight(weights) * normalized));
			}
		}
		List<SelectedExample> examples = new ArrayList<>(merged.values());
		examples.sort(Comparator.comparingDouble(SelectedExample::weight).reversed());
		return examples;
	}

	/** Distinct examples (best chunk of each) that carry APIs, at most {@code limit}. */
	static List<Candidate> candidates(List<Hit> hits, int limit) {
		Map<String, Candidate> distinct = new LinkedHashMap<>();
		for (Hit hit : hits) {
			if (distinct.size() >= limit) {
				break;
			}
			if (distinct.containsKey(hit.documentId())) {
				continue;
			}
			List<String> apis = new ArrayList<>();
			for (JsonNode api : hit.metadata().path("apis")) {
				if (api.isString() && !api.asString().isBlank()) {
					apis.add(api.asString().strip());
				}
			}
			if (apis.isEmpty()) {
				continue; // not a solved example
			}
			String title = (hit.title() != null && !hit.title().isBlank()) ? hit.title() : hit.text();
			distinct.put(hit.documentId(), new Candidate(hit, title, List.copyOf(apis), hit.score()));
		}
		return List.copyOf(distinct.values());
	}

	private static String blankToNull(String s) {
		return (s == null || s.isBlank()) ? null : s;
	}

	/** Which selector picked an example. */
	enum Source {

		LEXICAL("lexical"), SYNTACTIC("syntactic"), SEMANTIC("semantic");

		private final String label;

		Source(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

		double weight(LlmAdapterProperties.Apis.Weights weights) {
			return switch (this) {
				case LEXICAL -> weights.lexical();
				case SYNTACTIC -> weights.syntactic();
				case SEMANTIC -> weights.semantic();
			};
		}

	}

	/** An example one selector picked, with that selector's score (BM25, overlap or similarity). */
	record Candidate(Hit hit, String title, List<String> apis, double score) {

		Candidate withScore(double score) {
			return new Candidate(this.hit, this.title, this.apis, score);
		}

	}

	/**
	 * An example picked by one or more selectors.
	 *
	 * @param hit its best chunk
	 * @param title the solved question
	 * @param apis the APIs that answered it
	 * @param weight its vote weight
	 * @param scores each selector's score for it
	 */
	record SelectedExample(Hit hit, String title, List<String> apis, double weight, Map<String, Double> scores) {

		SelectedExample plus(double more) {
			return new SelectedExample(this.hit, this.title, this.apis, this.weight + more, this.scores);
		}

	}

}
