package dev.ragplatform.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
		java.util.Map<String, String> longer = FireSuite.paragraphs(java.util.Map.of("current_case_0007", text),
				FireSuite.LONG_PARAGRAPH_BEFORE, FireSuite.PARAGRAPH_AFTER);
		assertThat(longer.get("current_case_0007#2")).hasSizeGreaterThan(1300).contains("Bail may be granted (Iyer, 1991).");
	}

	@Test
	void viewsFuseTheMarkersAndTheWholeTextWithTheWholeTextsWeight() {
		assertThat(FireSuite.View.parse("views:hybrid:0.5")).isEqualTo(new FireSuite.View("hybrid", 0.5, -1));
		assertThat(FireSuite.View.parse("views:hybrid:1:merge=200")).isEqualTo(new FireSuite.View("hybrid", 1, 200));
		assertThatThrownBy(() -> FireSuite.View.parse("views:hybrid:1:merge")).hasMessageContaining("merge=<chars>");
		assertThat(FireSuite.View.parse("views:lexical:passages").weight()).isInfinite();
		assertThatThrownBy(() -> FireSuite.View.parse("views:bm25:1")).hasMessageContaining("views:<dense|lexical|hybrid>");
		assertThatThrownBy(() -> FireSuite.View.parse("views:hybrid:-1")).hasMessageContaining("0 or more");

		List<String> markers = List.of("a", "b", "c");
		List<String> whole = List.of("c", "d", "a");
		// equal say: a (1st and 3rd) and c (3rd and 1st) tie on score; b (2nd) beats d (2nd) on the tie-break only
		assertThat(FireSuite.View.fuse(markers, whole, 1.0).subList(0, 2)).containsExactlyInAnyOrder("a", "c");
		// a small weight leaves the markers' order; a large one gives the whole text's
		assertThat(FireSuite.View.fuse(markers, whole, 0.01)).startsWith("a", "b", "c");
		assertThat(FireSuite.View.fuse(markers, whole, 100)).startsWith("c", "d", "a");
		// one view missing: the other as it is
		assertThat(FireSuite.View.fuse(List.of(), whole, 1.0)).isEqualTo(whole);
		assertThat(FireSuite.View.fuse(markers, List.of(), 1.0)).isEqualTo(markers);
		assertThat(FireSuite.markerContexts("no markers", -1)).isEmpty();
		assertThat(FireSuite.markerContexts("before " + FireSuite.MARKER + " after", -1)).containsExactly("before after");
		// a list of citations: one context each, or one shared when merged
		String list = "x".repeat(700) + " as held in " + FireSuite.MARKER + ", " + FireSuite.MARKER + " and "
				+ FireSuite.MARKER + " the rule stands. " + "y".repeat(400) + " see " + FireSuite.MARKER + " z";
		assertThat(FireSuite.markerContexts(list, -1)).hasSize(4);
		assertThat(FireSuite.markerContexts(list, 0)).as("the gaps are not zero").hasSize(4);
		List<String> merged = FireSuite.markerContexts(list, 20);
		assertThat(merged).hasSize(2);
		assertThat(merged.get(0)).contains("as held in , and the rule stands.").startsWith("x").endsWith("y");
		assertThat(merged.get(1)).endsWith("see z");
	}

}
