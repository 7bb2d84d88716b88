package dev.ragplatform.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Choosing a setting without looking at the questions it is scored on: the queries are split into {@code k} folds
 * (shuffled with a fixed seed); for each fold, the mode with the best mean {@code metric} on the other folds is
 * chosen and scored on the fold alone. The overall figure is the mean over all queries of the score of the mode
 * chosen without them. Works from the per-query values a run keeps ({@link Report.Result#queries()}), so every
 * candidate is searched once.
 */
final class KFold {

	private KFold() {
	}

	/** One fold: which mode the other folds chose, its mean there, and its mean on this fold's queries. */
	record Fold(int fold, int queries, String chosen, double development, double heldOut) {
	}

	/** Every fold, and the held-out mean over all queries. */
	record Outcome(String metric, List<Fold> folds, double heldOut) {

		Map<String, Object> asDetails() {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("metric", this.metric);
			details.put("heldOut", this.heldOut);
			details.put("folds", this.folds);
			return details;
		}

	}

	static Outcome select(Map<String, Map<String, Map<String, Double>>> perQuery, String metric, int k, long seed) {
		if (k < 2) {
			throw new IllegalArgumentException("k-fold needs at least 2 folds, got " + k);
		}
		Set<String> ids = new TreeSet<>();
		perQuery.values().forEach((byQuery) -> ids.addAll(byQuery.keySet()));
		List<String> shuffled = new ArrayList<>(ids);
		Collections.shuffle(shuffled, new Random(seed));
		List<Fold> folds = new ArrayList<>();
		List<Double> heldOut = new ArrayList<>();
		for (int fold = 0; fold < k; fold++) {
			List<String> in = new ArrayList<>();
			List<String> out = new ArrayList<>();
			for (int i = 0; i < shuffled.size(); i++) {
				((i % k == fold) ? in : out).add(shuffled.get(i));
			}
			String chosen = null;
			double best = Double.NEGATIVE_INFINITY;
			for (Map.Entry<String, Map<String, Map<String, Double>>> mode : perQuery.entrySet()) {
				double mean = mean(mode.getValue(), out, metric);
				if (mean > best) {
					best = mean;
					chosen = mode.getKey();
				}
			}
			List<Double> scores = values(perQuery.get(chosen), in, metric);
			heldOut.addAll(scores);
			folds.add(new Fold(fold + 1, in.size(), chosen, best, Metrics.mean(scores)));
		}
		return new Outcome(metric, folds, Metrics.mean(heldOut));
	}

	private static double mean(Map<String, Map<String, Double>> byQuery, List<String> ids, String metric) {
		double mean = Metrics.mean(values(byQuery, ids, metric));
		return Double.isNaN(mean) ? Double.NEGATIVE_INFINITY : mean;
	}

	/** A query the mode has no value for counts as 0: a mode that skipped queries does not win by it. */
	private static List<Double> values(Map<String, Map<String, Double>> byQuery, List<String> ids, String metric) {
		List<Double> values = new ArrayList<>();
		for (String id : ids) {
			Map<String, Double> query = byQuery.get(id);
			values.add((query == null) ? 0.0 : query.getOrDefault(metric, 0.0));
		}
		return values;
	}

}
