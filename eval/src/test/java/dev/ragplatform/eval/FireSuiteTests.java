package dev.ragplatform.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FireSuiteTests {

	@Test
	void eachMarkerGivesItsSurroundingTextWithoutTheMarker() {
		String text = "x".repeat(700) + " as held in [?CITATION?], the appeal fails. " + "y".repeat(300)
				+ " Relying on [?CITATION?] and [?CITATION?] the court allowed it.";
		List<String> contexts = FireSuite.contexts(text);
		assertThat(contexts).hasSize(3).allSatisfy((c) -> assertThat(c).doesNotContain("[?CITATION?]"));
		assertThat(contexts.get(0)).contains("as held in").contains("the appeal fails");
		assertThat(contexts.get(0).length()).isLessThanOrEqualTo(FireSuite.BEFORE + FireSuite.AFTER + 12);
	}

	@Test
	void aCaseWithoutMarkersFallsBackToPassagesAndLongCasesAreThinnedEvenly() {
		String words = "word ".repeat(40_000); // ≈ 200,000 characters
		List<String> passages = FireSuite.passages(words);
		assertThat(passages).hasSize(FireSuite.MAX_PASSAGES)
			.allSatisfy((p) -> assertThat(p.length()).isLessThanOrEqualTo(FireSuite.PASSAGE));
		assertThat(FireSuite.contexts("no markers here")).containsExactly("no markers here");
	}

	@Test
	void trecQrelsAreReadPerQuery(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("qrels.txt");
		Files.writeString(file, "current_case_0001 0 prior_case_0007 1\ncurrent_case_0001 0 prior_case_0009 1\n"
				+ "current_case_0002 0 prior_case_0001 1\n");
		var qrels = FireSuite.qrels(file);
		assertThat(qrels.get("current_case_0001")).containsOnlyKeys("prior_case_0007", "prior_case_0009");
		assertThat(qrels.get("current_case_0002")).containsEntry("prior_case_0001", 1);
	}

}
