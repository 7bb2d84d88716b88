package dev.ragplatform.retrieval.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Ranking metrics as BEIR computes them (pytrec_eval): linear gains for nDCG. */
final class IrMetrics {

	private IrMetrics() {
	}

	static double ndcg(List<String> ranking, Map<String, Integer> relevant, int k) {
		double dcg = 0;
		for (int i = 0; i < Math.min(k, ranking.size()); i++) {
			int gain = relevant.getOrDefault(ranking.get(i), 0);
			dcg += gain / log2(i + 2);
		}
		List<Integer> ideal = new ArrayList<>(relevant.values());
		ideal.sort(Comparator.reverseOrder());
		double idcg = 0;
		for (int i = 0; i < Math.min(k, ideal.size()); i++) {
			idcg += ideal.get(i) / log2(i + 2);
		}
		return (idcg == 0) ? 0 : dcg / idcg;
	}

	static double recall(List<String> ranking, Map<String, Integer> relevant, int k) {
		long positives = relevant.values().stream().filter((g) -> g > 0).count();
		if (positives == 0) {
			return 0;
		}
		long found = ranking.subList(0, Math.min(k, ranking.size()))
			.stream()
			.filter((id) -> relevant.getOrDefault(id, 0) > 0)
			.count();
		return (double) found / positives;
	}

	static double mrr(List<String> ranking, Map<String, Integer> relevant, int k) {
		for (int i = 0; i < Math.min(k, ranking.size()); i++) {
			if (relevant.getOrDefault(ranking.get(i), 0) > 0) {
				return 1.0 / (i + 1);
			}
		}
		return 0;
	}

	/** Reciprocal rank fusion of rankings (k = 60). */
	static List<String> rrf(List<List<String>> rankings, int k) {
		Map<String, Double> scores = new java.util.HashMap<>();
		for (List<String> ranking : rankings) {
			for (int i = 0; i < ranking.size(); i++) {
				scores.merge(ranking.get(i), 1.0 / (k + i + 1), Double::sum);
			}
		}
		List<String> fused = new ArrayList<>(scores.keySet());
		fused.sort(Comparator.comparing((String id) -> -scores.get(id)).thenComparing(Comparator.naturalOrder()));
		return fused;
	}

	private static double log2(double x) {
		return Math.log(x) / Math.log(2);
	}

}
