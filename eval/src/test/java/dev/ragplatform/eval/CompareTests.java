package dev.ragplatform.eval;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CompareTests {

	static JsonNode report(double dense, double lexical) {
		return Platform.JSON.readTree("{\"suite\": \"scifact\", \"revision\": \"r\", \"date\": \"d\", \"metrics\": {"
				+ "\"dense\": {\"nDCG@10\": " + dense + "}, \"lexical\": {\"nDCG@10\": " + lexical + "}}}");
	}

	@Test
	void aDropBeyondTheToleranceIsARegressionAndAGainIsNot() {
		Compare.Outcome worse = Compare.compare(report(0.71, 0.69), report(0.70, 0.70), 0.005);
		assertThat(worse.regressed()).isTrue();
		assertThat(worse.lines()).anySatisfy((l) -> assertThat(l).startsWith("dense").contains("-0.0100")
			.endsWith("REGRESSION"));
		assertThat(worse.lines()).anySatisfy((l) -> assertThat(l).startsWith("lexical").contains("+0.0100")
			.doesNotContain("REGRESSION"));
	}

	static JsonNode perQuery(String q1, String q2, String q3) {
		return Platform.JSON.readTree("{\"suite\": \"biker\", \"revision\": \"r\", \"date\": \"d\", \"metrics\": {"
				+ "\"recommend\": {\"SuccessRate@1\": 0.5}}, \"queries\": {\"recommend\": {"
				+ "\"How to sort\": " + q1 + ", \"Parse an int\": " + q2 + ", \"Read a file\": " + q3 + "}}}");
	}

	@Test
	void questionsWonAndLostAreListedWithTheirFirstRelevantRanks() {
		JsonNode a = perQuery("{\"SuccessRate@1\": 1, \"rank\": 1}", "{\"SuccessRate@1\": 0, \"rank\": 4}",
				"{\"SuccessRate@1\": 0, \"rank\": 0}");
		JsonNode b = perQuery("{\"SuccessRate@1\": 0, \"rank\": 2}", "{\"SuccessRate@1\": 1, \"rank\": 1}",
				"{\"SuccessRate@1\": 0, \"rank\": 7}");
		Compare.Outcome outcome = Compare.compare(a, b, 0.005);
		assertThat(outcome.lines()).containsSequence("recommend, SuccessRate@1 per question: 1 won, 1 lost, 1 tied",
				"  won  0.0000 → 1.0000 (first relevant at 4 → 1)  Parse an int",
				"  lost 1.0000 → 0.0000 (first relevant at 1 → 2)  How to sort");
		assertThat(Compare.compare(a, b, 0.005, 0).lines())
			.contains("recommend, SuccessRate@1 per question: 1 won, 1 lost, 1 tied")
			.noneMatch((l) -> l.startsWith("  "));
		// a report without per-query values (older runs) still compares on the means
		assertThat(Compare.compare(report(0.7, 0.7), b, 0.005).lines()).noneMatch((l) -> l.contains("per question"));
	}

	@Test
	void noiseWithinTheToleranceIsNotARegression() {
		assertThat(Compare.compare(report(0.71, 0.69), report(0.707, 0.69), 0.005).regressed()).isFalse();
	}

}
