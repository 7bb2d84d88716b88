package dev.ragplatform.retrieval.search;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class IrMetricsTests {

	@Test
	void ndcgRecallAndMrrMatchHandComputedValues() {
		Map<String, Integer> relevant = Map.of("a", 1, "c", 1);
		List<String> ranking = List.of("b", "a", "d", "c");
		double dcg = 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(5) / Math.log(2));
		double idcg = 1 + 1 / (Math.log(3) / Math.log(2));
		assertThat(IrMetrics.ndcg(ranking, relevant, 10)).isCloseTo(dcg / idcg, within(1e-12));
		assertThat(IrMetrics.ndcg(List.of("a", "c"), relevant, 10)).isCloseTo(1.0, within(1e-12));
		assertThat(IrMetrics.recall(ranking, relevant, 2)).isEqualTo(0.5);
		assertThat(IrMetrics.mrr(ranking, relevant, 10)).isEqualTo(0.5);
		assertThat(IrMetrics.mrr(List.of("x"), relevant, 10)).isZero();
	}

	@Test
	void rrfFavoursItemsRankedWellInBoth() {
		assertThat(IrMetrics.rrf(List.of(List.of("a", "b", "c"), List.of("x", "b", "y")), 60)).startsWith("b");
		assertThat(IrMetrics.rrf(List.of(List.of("a", "b"), List.of("b", "x")), 60)).startsWith("b");
	}

}
