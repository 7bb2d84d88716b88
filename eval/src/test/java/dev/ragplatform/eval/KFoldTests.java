package dev.ragplatform.eval;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KFoldTests {

	@Test
	void eachFoldIsScoredWithTheModeTheOtherFoldsChose() {
		// a is better on q1..q3, b on q4: with one query per fold, even the fold holding q4 is scored with a
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		perQuery.put("a", Map.of("q1", map(0.9), "q2", map(0.8), "q3", map(0.7), "q4", map(0.1)));
		perQuery.put("b", Map.of("q1", map(0.2), "q2", map(0.2), "q3", map(0.2), "q4", map(1.0)));
		KFold.Outcome outcome = KFold.select(perQuery, "MAP", 4, 1);
		assertThat(outcome.folds()).hasSize(4).allSatisfy((f) -> assertThat(f.queries()).isEqualTo(1));
		assertThat(outcome.folds()).extracting(KFold.Fold::chosen).containsOnly("a");
		assertThat(outcome.folds()).filteredOn((f) -> f.heldOut() == 0.1).singleElement()
			.satisfies((f) -> assertThat(f.development()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9)));
		assertThat(outcome.heldOut()).isCloseTo((0.9 + 0.8 + 0.7 + 0.1) / 4, org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void aSplitDecisionIsScoredHonestly() {
		// on all four queries together a and b tie (0.625), yet each fold chooses without its own query: the held-out
		// figure is what that choice scores, lower than either mode's mean
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		perQuery.put("a", Map.of("q1", map(0.9), "q2", map(0.8), "q3", map(0.7), "q4", map(0.1)));
		perQuery.put("b", Map.of("q1", map(0.5), "q2", map(0.5), "q3", map(0.5), "q4", map(1.0)));
		KFold.Outcome outcome = KFold.select(perQuery, "MAP", 4, 1);
		// without q4, a leads (0.8 to 0.5); without any other query, b leads: 0.5 + 0.5 + 0.5 + 0.1
		assertThat(outcome.heldOut()).isCloseTo(1.6 / 4, org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void aModeWithoutAQueryCountsItAsZeroAndFewerThanTwoFoldsIsRefused() {
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		perQuery.put("partial", Map.of("q1", map(1.0)));
		perQuery.put("full", Map.of("q1", map(0.6), "q2", map(0.6)));
		// without q1, partial has 0 on q2 and full wins; without q2, partial's 1.0 on q1 wins, then scores 0 on q2
		KFold.Outcome outcome = KFold.select(perQuery, "MAP", 2, 3);
		assertThat(outcome.folds()).extracting(KFold.Fold::chosen).containsExactlyInAnyOrder("full", "partial");
		assertThat(outcome.heldOut()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
		assertThatThrownBy(() -> KFold.select(perQuery, "MAP", 1, 3)).hasMessageContaining("at least 2 folds");
	}

	private static Map<String, Double> map(double value) {
		return Map.of("MAP", value);
	}

}
