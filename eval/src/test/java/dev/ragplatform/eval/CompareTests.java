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

	@Test
	void noiseWithinTheToleranceIsNotARegression() {
		assertThat(Compare.compare(report(0.71, 0.69), report(0.707, 0.69), 0.005).regressed()).isFalse();
	}

}
