package dev.ragplatform.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Ranking metrics as trec_eval (and so BEIR's pytrec_eval) computes them: linear gain for nDCG, graded
 * judgments with grade > 0 relevant, and ties in score broken by document id, descending. Every function takes
 * one query's ranking (best first, no duplicates) and its judgments ({@code docId → grade}); a query without a
 * relevant document has no defined value ({@code NaN}) and is left out of averages, as trec_eval does.
 */
public final class Metrics {

	private Metrics() {
	}

	/** Orders scored documents best first; equal scores by id, descending (trec_eval's rule). */
	public static List<String> rank(Map<String, Double> scores) {
		List<Map.Entry<String, Double>> entries = new ArrayList<>(scores.entrySet());
		entries.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
			.thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())));
		return entries.stream().map(Map.Entry::getKey).toList();
	}

	/**
	 * Reciprocal rank fusion: each ranking gives a document {@code 1 / (k + rank)}, summed, then ordered as
	 * {@link #rank(Map)} does.
	 */
	public static List<String> fuse(List<List<String>> rankings, int k) {
		return fuse(rankings, java.util.Collections.nCopies(rankings.size(), 1.0), k);
	}

	/** Weighted reciprocal rank fusion: each ranking's {@code 1 / (k + rank)} times its weight. */
	public static List<String> fuse(List<List<String>> rankings, List<Double> weights, int k) {
		Map<String, Double> fused = new java.util.HashMap<>();
		for (int r = 0; r < rankings.size(); r++) {
			List<String> ranking = rankings.get(r);
			for (int rank = 0; rank < ranking.size(); rank++) {
				fused.merge(ranking.get(rank), weights.get(r) / (k + rank + 1), Double::sum);
			}
		}
		return rank(fused);
	}

	public static double ndcg(List<String> ranking, Map<String, Integer> judgments, int k) {
		long relevant = relevantCount(judgments);
		if (relevant == 0) {
			return Double.NaN;
		}
		double dcg = 0;
		for (int i = 0; i < Math.min(k, ranking.size()); i++) {
			int grade = Math.max(0, judgments.getOrDefault(ranking.get(i), 0));
			dcg += grade / log2(i + 2);
		}
		List<Integer> ideal = judgments.values().stream().filter((g) -> g > 0).sorted(Comparator.reverseOrder()).toList();
		double idcg = 0;
		for (int i = 0; i < Math.min(k, ideal.size()); i++) {
			idcg += ideal.get(i) / log2(i + 2);
		}
		return dcg / idcg;
	}

	public static double recall(List<String> ranking, Map<String, Integer> judgments, int k) {
		long relevant = relevantCount(judgments);
		return (relevant == 0) ? Double.NaN : (double) hits(ranking, judgments, k) / relevant;
	}

	public static double precision(List<String> ranking, Map<String, Integer> judgments, int k) {
		return (relevantCount(judgments) == 0) ? Double.NaN : (double) hits(ranking, judgments, k) / k;
	}

	/** Reciprocal rank of the first relevant document within the top {@code k}, 0 if none. */
	public static double mrr(List<String> ranking, Map<String, Integer> judgments, int k) {
		if (relevantCount(judgments) == 0) {
			return Double.NaN;
		}
		for (int i = 0; i < Math.min(k, ranking.size()); i++) {
			if (judgments.getOrDefault(ranking.get(i), 0) > 0) {
				return 1.0 / (i + 1);
			}
		}
		return 0;
	}

	/** The rank (from 1) of the first relevant document in the ranking, 0 if there is none. */
	public static int firstRelevant(List<String> ranking, Map<String, Integer> judgments) {
		for (int i = 0; i < ranking.size(); i++) {
			if (judgments.getOrDefault(ranking.get(i), 0) > 0) {
				return i + 1;
			}
		}
		return 0;
	}

	/** Average precision over the whole ranking; relevant documents never retrieved count as 0. */
	public static double averagePrecision(List<String> ranking, Map<String, Integer> judgments) {
		long relevant = relevantCount(judgments);
		if (relevant == 0) {
			return Double.NaN;
		}
		double sum = 0;
		int found = 0;
		for (int i = 0; i < ranking.size(); i++) {
			if (judgments.getOrDefault(ranking.get(i), 0) > 0) {
				found++;
				sum += (double) found / (i + 1);
			}
		}
		return sum / relevant;
	}

	/** 1 if a relevant document is in the top {@code k}, else 0 (BIKER's SuccessRate@k per query). */
	public static double success(List<String> ranking, Map<String, Integer> judgments, int k) {
		return (relevantCount(judgments) == 0) ? Double.NaN : (hits(ranking, judgments, k) > 0 ? 1 : 0);
	}

	/** Mean over the queries that have a value (NaN ones left out); NaN when none has. */
	public static double mean(List<Double> values) {
		return values.stream().filter((v) -> !v.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
	}

	private static long hits(List<String> ranking, Map<String, Integer> judgments, int k) {
		return ranking.stream().limit(k).filter((d) -> judgments.getOrDefault(d, 0) > 0).count();
	}

	private static long relevantCount(Map<String, Integer> judgments) {
		return judgments.values().stream().filter((g) -> g > 0).count();
	}

	private static double log2(double x) {
		return Math.log(x) / Math.log(2);
	}

}
