package dev.ragplatform.llm.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Turns solved examples into an API ranking and fuses it with the API documents' rankings. Each selected example
 * votes for every API of its answer with its weight (its similarity to the question); APIs are ranked by the sum.
 * Rankings are then fused by weighted reciprocal rank: {@code Σ weight / (k + rank)}. The eval measured plain RRF
 * (all weights 1) of example votes and document ranking below the votes alone at the top (SuccessRate@1 0.44 vs
 * 0.52), so the documents' weights default well below the votes'.
 */
final class VoteFusion {

	private VoteFusion() {
	}

	/** API → sum of the weights of the examples that name it (an example naming an API twice counts once). */
	static Map<String, Double> tally(Collection<Vote> votes) {
		Map<String, Double> scores = new LinkedHashMap<>();
		for (Vote vote : votes) {
			for (String api : new LinkedHashSet<>(vote.apis())) {
				scores.merge(api, vote.weight(), Double::sum);
			}
		}
		return scores;
	}

	/** Keys by score, best first; equal scores by name, so a ranking is repeatable. */
	static List<String> rank(Map<String, Double> scores) {
		List<Map.Entry<String, Double>> entries = new ArrayList<>(scores.entrySet());
		entries.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
			.thenComparing(Map.Entry.comparingByKey()));
		return entries.stream().map(Map.Entry::getKey).toList();
	}

	/**
	 * Weighted reciprocal rank fusion: each item scores {@code Σ weight / (k + rank)} over the rankings that hold it
	 * (ranks from 1); the result is ordered best first, equal scores by first appearance.
	 */
	static LinkedHashMap<String, Double> fuse(List<Ranking> rankings, int k) {
		if (k < 0) {
			throw new IllegalArgumentException("k must be >= 0, not " + k);
		}
		Map<String, Double> scores = new LinkedHashMap<>();
		for (Ranking ranking : rankings) {
			if (ranking.weight() <= 0) {
				continue;
			}
			int rank = 0;
			for (String item : new LinkedHashSet<>(ranking.items())) {
				rank++;
				scores.merge(item, ranking.weight() / (k + rank), Double::sum);
			}
		}
		List<Map.Entry<String, Double>> entries = new ArrayList<>(scores.entrySet());
		entries.sort(Map.Entry.comparingByValue(Comparator.reverseOrder())); // stable: ties keep first appearance
		LinkedHashMap<String, Double> fused = new LinkedHashMap<>();
		entries.forEach((e) -> fused.put(e.getKey(), e.getValue()));
		return fused;
	}

	/** One example's vote: its weight and the APIs of its answer. */
	record Vote(double weight, List<String> apis) {
	}

	/** A ranking to fuse, best first, with its weight. */
	record Ranking(String name, List<String> items, double weight) {
	}

}
