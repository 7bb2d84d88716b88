package dev.ragplatform.eval;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every metric against cases computed by hand (the arithmetic is in the comments). */
class MetricsTests {

	static final List<String> RANKING = List.of("a", "b", "c", "d", "e");

	// relevant: b (grade 1) and d (grade 2); f is relevant but never retrieved
	static final Map<String, Integer> GRADED = Map.of("b", 1, "d", 2, "x", 0);

	static final Map<String, Integer> TWO = Map.of("b", 1, "d", 1, "f", 1);

	@Test
	void ndcgUsesLinearGainsAndTheIdealOrderOfTheJudgments() {
		// DCG@5 = 1/log2(3) + 2/log2(5) = 0.63093 + 0.86135 = 1.49228
		// IDCG@5 = 2/log2(2) + 1/log2(3) = 2 + 0.63093 = 2.63093
		assertThat(Metrics.ndcg(RANKING, GRADED, 5)).isCloseTo(1.49228 / 2.63093, within(1e-4));
		// @1: "a" is not relevant
		assertThat(Metrics.ndcg(RANKING, GRADED, 1)).isZero();
		assertThat(Metrics.ndcg(List.of("d", "b"), GRADED, 10)).isCloseTo(1.0, within(1e-12));
	}

	@Test
	void recallPrecisionMrrAndSuccess() {
		assertThat(Metrics.recall(RANKING, TWO, 3)).isCloseTo(1.0 / 3, within(1e-12)); // b of {b, d, f}
		assertThat(Metrics.recall(RANKING, TWO, 5)).isCloseTo(2.0 / 3, within(1e-12));
		assertThat(Metrics.precision(RANKING, TWO, 5)).isCloseTo(2.0 / 5, within(1e-12));
		assertThat(Metrics.mrr(RANKING, TWO, 10)).isCloseTo(0.5, within(1e-12)); // first relevant at rank 2
		assertThat(Metrics.mrr(RANKING, TWO, 1)).isZero();
		assertThat(Metrics.success(RANKING, TWO, 1)).isZero();
		assertThat(Metrics.success(RANKING, TWO, 2)).isEqualTo(1.0);
	}

	@Test
	void averagePrecisionCountsUnretrievedRelevantDocumentsAsZero() {
		// b at rank 2: P = 1/2; d at rank 4: P = 2/4; f never: 0 → (0.5 + 0.5 + 0) / 3
		assertThat(Metrics.averagePrecision(RANKING, TWO)).isCloseTo(1.0 / 3, within(1e-12));
	}

	@Test
	void queriesWithoutRelevantDocumentsHaveNoValueAndLeaveTheMean() {
		Map<String, Integer> none = Map.of("a", 0);
		assertThat(Metrics.ndcg(RANKING, none, 10)).isNaN();
		assertThat(Metrics.recall(RANKING, Map.of(), 10)).isNaN();
		assertThat(Metrics.mrr(RANKING, none, 10)).isNaN();
		assertThat(Metrics.averagePrecision(RANKING, none)).isNaN();
		assertThat(Metrics.success(RANKING, none, 1)).isNaN();
		assertThat(Metrics.mean(List.of(1.0, Double.NaN, 0.0))).isEqualTo(0.5);
		assertThat(Metrics.mean(List.of(Double.NaN))).isNaN();
	}

	@Test
	void tiesAreBrokenByDocumentIdDescendingAsTrecEvalDoes() {
		List<String> ranked = Metrics.rank(Map.of("d1", 0.5, "d3", 0.5, "d2", 0.9, "d0", 0.1));
		assertThat(ranked).containsExactly("d2", "d3", "d1", "d0");
		// so a tie decides the metric deterministically: relevant d1 ranks third, not second
		assertThat(Metrics.mrr(ranked, Map.of("d1", 1), 10)).isCloseTo(1.0 / 3, within(1e-12));
	}

	@Test
	void aShortRankingIsNotPadded() {
		assertThat(Metrics.ndcg(List.of(), TWO, 10)).isZero();
		assertThat(Metrics.precision(List.of("b"), TWO, 5)).isCloseTo(0.2, within(1e-12));
	}

	@Test
	void reciprocalRankFusionSumsOneOverKPlusRank() {
		// x: 1/(60+1) + 1/(60+2) = 0.032522; y: 1/(60+2) + 1/(60+1) = the same; z: 1/(60+3) = 0.015873
		// the tie between x and y goes to the larger id (trec_eval's rule), as for any ranking here
		assertThat(Metrics.fuse(List.of(List.of("x", "y", "z"), List.of("y", "x")), 60)).containsExactly("y", "x", "z");
		// a document in one ranking only is behind one ranked high in both
		assertThat(Metrics.fuse(List.of(List.of("a", "b"), List.of("b")), 60)).containsExactly("b", "a");
		assertThat(Metrics.fuse(List.of(), 60)).isEmpty();
	}

}
