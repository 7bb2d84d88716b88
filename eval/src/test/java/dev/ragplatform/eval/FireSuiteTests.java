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


	@Test
	void paragraphsAreShortTextsAroundMarkersSpreadOverTheCaseWithNumberedOrAuthorYearMarkers() {
		String filler = "The appellant was convicted under the provisions of the statute and appealed. ";
		String text = filler.repeat(20) + "Such a declaration needs no corroboration " + FireSuite.MARKER
				+ " as held before " + FireSuite.MARKER + ". " + filler.repeat(20) + "Bail may be granted "
				+ FireSuite.MARKER + ". " + filler.repeat(20);
		java.util.Map<String, String> paragraphs = FireSuite.paragraphs(java.util.Map.of("current_case_0007", text));
		assertThat(paragraphs).containsOnlyKeys("current_case_0007#1", "current_case_0007#2");
		String first = paragraphs.get("current_case_0007#1");
		String second = paragraphs.get("current_case_0007#2");
		assertThat(first).contains("needs no corroboration [1] as held before [2].").doesNotContain("CITATION");
		assertThat(second).contains("Bail may be granted (Iyer, 1991).");
		for (String paragraph : paragraphs.values()) {
			assertThat(paragraph.length()).isBetween(600, FireSuite.PARAGRAPH_BEFORE + FireSuite.PARAGRAPH_AFTER + 40);
			assertThat(" " + text).as("starts between words").contains(" " + paragraph.substring(0, 12));
			assertThat(paragraph).doesNotStartWith(" ").doesNotEndWith(" ");
		}
		assertThat(FireSuite.caseOf("current_case_0007#2")).isEqualTo("current_case_0007");
		assertThat(FireSuite.caseOf("current_case_0007")).isEqualTo("current_case_0007");
		assertThat(FireSuite.paragraphs(java.util.Map.of("c", "no markers at all"))).isEmpty();
	}

}
