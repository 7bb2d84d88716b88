package dev.ragplatform.llm.citation;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ragplatform.llm.citation.CitationContexts.Rules;

import static dev.ragplatform.llm.citation.CitationContexts.PASSAGE;
import static org.assertj.core.api.Assertions.assertThat;

class CitationContextsTests {

	/** A coverage no text reaches: never searched whole for its coverage. */
	private static final double NEVER = Double.POSITIVE_INFINITY;

	/** The default windows and maxima, markers never merged, with this coverage and one-query bound. */
	private static Rules defaults(double wholeCoverage, int wholeQueryChars) {
		return new Rules(600, 200, 64, 40, wholeCoverage, -1, wholeQueryChars);
	}

	@Test
	void firesMarkersGiveOneContextEachWithOffsetsAndTheMarkersRemoved() {
		String text = "The court held that the lease was void [?CITATION?]. Later it relied on estoppel [?CITATION?] too.";
		CitationContexts.Found found = CitationContexts.find(text, Rules.windows(20, 5, 10), false);
		assertThat(found.markers()).isEqualTo(2);
		assertThat(found.ignored()).isZero();
		CitationContexts.Context first = found.contexts().get(0);
		assertThat(text.substring(first.markerStart(), first.markerEnd())).isEqualTo("[?CITATION?]");
		assertThat(first.start()).isEqualTo(first.markerStart() - 20);
		assertThat(first.end()).isEqualTo(first.markerEnd() + 5);
		assertThat(first.query()).isEqualTo("the lease was void . Lat");
		assertThat(found.contexts().get(1).query()).doesNotContain("CITATION");
		assertThat(found.contexts()).extracting(CitationContexts.Context::kind).containsOnly("marker");
	}

	@ParameterizedTest
	@ValueSource(strings = { "[12]", "[3, 4]", "[1-3]", "[2–5, 9]", "(Smith, 2019)", "(Smith and Doe 2019)",
			"(Smith et al., 2019a; Doe, 2020)", "(see Müller 1998)", "(Brown & Levinson, 1987)" })
	void numberedAndAuthorYearMarkersAreFound(String marker) {
		String text = "Sparse retrieval remains a strong baseline " + marker + " for many tasks.";
		CitationContexts.Found found = CitationContexts.find(text, Rules.windows(100, 100, 10), false);
		assertThat(found.markers()).as(marker).isEqualTo(1);
		CitationContexts.Context context = found.contexts().get(0);
		assertThat(context.marker()).isEqualTo(marker);
		assertThat(context.query()).isEqualTo("Sparse retrieval remains a strong baseline for many tasks.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "(in 2019)", "[a]", "(see above)", "(2019)", "[?CITE?]", "(Section 302, IPC)" })
	void ordinaryBracketsAreNotMarkers(String text) {
		CitationContexts.Found found = CitationContexts.find("Plain words " + text + " and more.",
				Rules.windows(100, 100, 10), false);
		assertThat(found.markers()).as(text).isZero();
		assertThat(found.contexts()).extracting(CitationContexts.Context::kind).containsExactly("passage");
	}

	@Test
	void aTextWithoutMarkersIsSearchedInPassagesEvenlyThinned() {
		String sentence = "The appellant was convicted under the provisions of the statute and appealed. ";
		String text = sentence.repeat(200); // about 15,800 characters: 11 passages of about 1,500
		CitationContexts.Found all = CitationContexts.find(text, Rules.windows(600, 200, 100), false);
		assertThat(all.contexts()).hasSizeGreaterThanOrEqualTo(10);
		for (CitationContexts.Context passage : all.contexts()) {
			if (passage.index() < all.contexts().size() - 1) {
				assertThat(passage.end() - passage.start()).isBetween(PASSAGE / 2,
						PASSAGE);
			}
			assertThat(passage.query()).isEqualTo(text.substring(passage.start(), passage.end()).trim());
		}
		CitationContexts.Found thinned = CitationContexts.find(text, Rules.windows(600, 200, 4), false);
		assertThat(thinned.contexts()).hasSize(4);
		assertThat(thinned.ignored()).isEqualTo(all.contexts().size() - 4);
		assertThat(thinned.contexts().get(0).start()).isEqualTo(all.contexts().get(0).start());
		assertThat(thinned.contexts().get(3).start()).isGreaterThan(text.length() / 2);
	}

	@Test
	void withWholeTextTheMarkersAndThePassagesOfTheWholeTextAreBothSearched() {
		String text = ("The tenant held over after the lease expired [?CITATION?]. ").repeat(60);
		CitationContexts.Found found = CitationContexts.find(text, new Rules(100, 50, 5, 2, NEVER, -1, PASSAGE), true);
		assertThat(found.markers()).isEqualTo(60);
		assertThat(found.contexts()).extracting(CitationContexts.Context::kind)
			.containsExactly("marker", "marker", "marker", "marker", "marker", "passage", "passage");
		assertThat(found.contexts().get(5).query()).as("markers removed from passages too").doesNotContain("CITATION");
		assertThat(found.contexts()).extracting(CitationContexts.Context::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
		assertThat(found.ignored()).as("55 markers and the thinned passages").isGreaterThan(55);
		assertThat(CitationContexts.find(text, new Rules(100, 50, 5, 2, NEVER, -1, PASSAGE), false).contexts())
			.hasSize(5);
	}

	@Test
	void aParagraphMostlyWithinItsMarkersWindowsIsSearchedWholeAndALongTextPerMarker() {
		String paragraph = "Dense retrievers trained with hard negatives outperform BM25 on most benchmarks [3, 4], "
				+ "although lexical matching remains competitive for entity-heavy queries [12].";
		CitationContexts.Found whole = CitationContexts.find(paragraph, defaults(0.8, PASSAGE), false);
		assertThat(whole.markers()).isEqualTo(2);
		assertThat(whole.coverage()).isEqualTo(1.0);
		assertThat(whole.searchedWhole()).isTrue();
		assertThat(whole.hasMarkerContexts()).isFalse();
		assertThat(whole.contexts()).singleElement().satisfies((c) -> {
			assertThat(c.kind()).isEqualTo("passage");
			assertThat(c.query()).isEqualTo(CitationContexts.clean(paragraph)).doesNotContain("[");
		});
		// the same paragraph inside a long judgment: its windows cover a small share, so it is searched per marker
		String filler = "The appellant was convicted under the provisions of the statute and appealed. ".repeat(60);
		CitationContexts.Found perMarker = CitationContexts.find(filler + paragraph + " " + filler,
				defaults(0.8, PASSAGE), false);
		assertThat(perMarker.coverage()).isBetween(0.05, 0.15);
		assertThat(perMarker.searchedWhole()).isFalse();
		assertThat(perMarker.contexts()).extracting(CitationContexts.Context::kind).containsExactly("marker", "marker");
		// a paragraph of one passage is searched whole even when its one marker's window covers half of it
		String longer = "Retrieval-augmented generation conditions a language model on retrieved passages. ".repeat(14)
				+ "Dense retrievers outperform BM25 on most benchmarks [3].";
		assertThat(longer.length()).isLessThanOrEqualTo(PASSAGE);
		CitationContexts.Found oneHalf = CitationContexts.find(longer, defaults(0.8, PASSAGE), false);
		assertThat(oneHalf.coverage()).isLessThan(0.8);
		assertThat(oneHalf.searchedWhole()).isTrue();
		// above 1 turns the rule off (with the length rule off too)
		assertThat(CitationContexts.find(paragraph, defaults(1.01, 0), false).contexts())
			.extracting(CitationContexts.Context::kind).containsExactly("marker", "marker");
	}

	@Test
	void aTextOneQueryTakesInIsSearchedAsOneQueryNotAPassageAndATail() {
		String sentence = "Retrieval-augmented generation conditions a language model on retrieved passages. ";
		String paragraph = sentence.repeat(12) + "Dense retrievers outperform BM25 on most benchmarks (Smith, 2019). "
				+ sentence.repeat(10);
		assertThat(paragraph.strip().length()).isBetween(PASSAGE + 1, 2000);
		CitationContexts.Found whole = CitationContexts.find(paragraph, defaults(0.8, 2000), false);
		assertThat(whole.coverage()).isLessThan(0.8);
		assertThat(whole.searchedWhole()).isTrue();
		assertThat(whole.contexts()).singleElement()
			.satisfies((c) -> assertThat(c.query()).isEqualTo(CitationContexts.clean(paragraph)).doesNotContain("Smith"));
		// one passage's bound: the marker's window instead
		assertThat(CitationContexts.find(paragraph, defaults(0.8, PASSAGE), false)
			.contexts()).extracting(CitationContexts.Context::kind).containsExactly("marker");
		// without markers, one passage too, not a full one and a short tail with an equal vote
		String plain = CitationContexts.clean(paragraph);
		assertThat(CitationContexts.find(plain, defaults(0.8, 2000), false).contexts())
			.singleElement()
			.satisfies((c) -> assertThat(c.query()).isEqualTo(plain));
		assertThat(CitationContexts.find(plain, defaults(0.8, PASSAGE), false)
			.contexts()).hasSize(2);
		// each property turns off only its own rule: coverage above 1 leaves a short text one query; a length bound
		// of 0 leaves it to its markers' windows, or to passages without markers
		assertThat(CitationContexts.find(paragraph, defaults(1.01, 2000), false).contexts()).singleElement()
			.satisfies((c) -> assertThat(c.kind()).isEqualTo("passage"));
		assertThat(CitationContexts.find(paragraph, defaults(1.01, 0), false).contexts())
			.extracting(CitationContexts.Context::kind).containsExactly("marker");
		assertThat(CitationContexts.find(plain, defaults(1.01, 0), false).contexts())
			.hasSize(2);
		// the one query's offsets are the text's, without its surrounding whitespace
		CitationContexts.Context padded = CitationContexts
			.find("  \n" + paragraph + "\n ", defaults(0.8, 2000), false)
			.contexts()
			.get(0);
		assertThat(padded.start()).isEqualTo(3);
		assertThat(padded.end()).isEqualTo(3 + paragraph.strip().length());
	}

	@Test
	void coverageCountsOverlappingWindowsOnce() {
		// windows [0, 8) and [4, 12) of a 20-character text: 12 characters covered, not 16
		assertThat(CitationContexts.coverage(20, List.of(new int[] { 2, 4 }, new int[] { 6, 8 }), 2, 4)).isEqualTo(0.6);
		assertThat(CitationContexts.coverage(20, List.of(), 2, 4)).isZero();
	}

	@Test
	void markersBeyondTheMaximumAreReportedNotSearched() {
		String text = "a [1] b [2] c [3] d [4]";
		CitationContexts.Found found = CitationContexts.find(text, Rules.windows(2, 2, 3), false);
		assertThat(found.markers()).isEqualTo(4);
		assertThat(found.contexts()).hasSize(3);
		assertThat(found.ignored()).isEqualTo(1);
	}

	@Test
	void markersCloseTogetherShareOneContextWhenMerged() {
		String filler = "The appellant was convicted under the provisions of the statute and appealed. ".repeat(20);
		String text = filler + "as held in [?CITATION?], [?CITATION?] and [?CITATION?] the rule stands. " + filler
				+ "Bail may be granted [?CITATION?]. " + filler;
		CitationContexts.Found apart = CitationContexts.find(text, new Rules(100, 50, 64, 40, 0.8, -1, PASSAGE), false);
		assertThat(apart.contexts()).hasSize(4);
		CitationContexts.Found merged = CitationContexts.find(text, new Rules(100, 50, 64, 40, 0.8, 20, PASSAGE), false);
		assertThat(merged.markers()).isEqualTo(4);
		assertThat(merged.contexts()).hasSize(2);
		CitationContexts.Context list = merged.contexts().get(0);
		assertThat(text.substring(list.markerStart(), list.markerEnd()))
			.isEqualTo("[?CITATION?], [?CITATION?] and [?CITATION?]").isEqualTo(list.marker());
		assertThat(list.start()).isEqualTo(list.markerStart() - 100);
		assertThat(list.end()).isEqualTo(list.markerEnd() + 50);
		assertThat(list.query()).contains("as held in , and the rule stands.").doesNotContain("CITATION");
		assertThat(merged.contexts().get(1).marker()).isEqualTo("[?CITATION?]");
		// the most contexts counts places; the markers of the places not searched are reported
		CitationContexts.Found first = CitationContexts.find(text, new Rules(100, 50, 1, 40, 0.8, 20, PASSAGE), false);
		assertThat(first.contexts()).hasSize(1);
		assertThat(first.ignored()).isEqualTo(1);
		CitationContexts.Found firstApart = CitationContexts.find(text, new Rules(100, 50, 1, 40, 0.8, -1, PASSAGE),
				false);
		assertThat(firstApart.ignored()).isEqualTo(3);
	}

	@Test
	void theLlmsLabelsMapOnlyToShownCandidates() {
		List<CitationPredictor.Found> shown = List.of(found("d1"), found("d2"), found("d3"));
		CitationPredictor.Ranking chosen = CitationPredictor
			.chosen(new CitationPredictor.Choice("because", List.of("C3", "C99", "c1", "C3", "none", "")), shown);
		assertThat(chosen.documents()).extracting((f) -> f.hit().documentId()).containsExactly("d3", "d1");
	}

	@Test
	void fusionVotesByReciprocalRankAndKeepsTheBestRankedEvidence() {
		CitationPredictor.Ranking a = CitationPredictor.Ranking.of(List.of(hit("d1", 0), hit("d2", 0), hit("d1", 3)));
		CitationPredictor.Ranking b = CitationPredictor.Ranking.of(List.of(hit("d2", 5), hit("d3", 0)));
		CitationPredictor.Ranking fused = CitationPredictor.Ranking.fuse(List.of(a, b));
		// d2: 1/62 + 1/61 beats d1: 1/61 alone, then d3: 1/62
		assertThat(fused.documents()).extracting((f) -> f.hit().documentId()).containsExactly("d2", "d1", "d3");
		assertThat(fused.score("d2")).isCloseTo(1.0 / 62 + 1.0 / 61, org.assertj.core.data.Offset.offset(1e-12));
		assertThat(fused.documents().get(0).hit().chunkIndex()).as("d2's evidence from its rank-1 appearance")
			.isEqualTo(5);
		assertThat(fused.documents().get(1).hit().chunkIndex()).as("d1's first chunk, not its later one").isZero();
	}

	@Test
	void theWholeTextsViewCountsWithItsWeightAgainstTheMarkers() {
		CitationPredictor.Ranking markers = CitationPredictor.Ranking.of(List.of(hit("m", 0), hit("w", 0)));
		CitationPredictor.Ranking whole = CitationPredictor.Ranking.of(List.of(hit("w", 0), hit("m", 0)));
		// equal say: a tie (1/61 + 1/62 each), broken by id; the whole text at 2: its first wins
		assertThat(CitationPredictor.Ranking.fuse(List.of(markers, whole), List.of(1.0, 2.0)).documents())
			.extracting((f) -> f.hit().documentId()).containsExactly("w", "m");
		assertThat(CitationPredictor.Ranking.fuse(List.of(markers, whole), List.of(1.0, 0.5)).documents())
			.extracting((f) -> f.hit().documentId()).containsExactly("m", "w");
		assertThat(CitationPredictor.Ranking.fuse(List.of(markers, whole), List.of(1.0, 2.0)).score("w"))
			.isCloseTo(1.0 / 62 + 2.0 / 61, org.assertj.core.data.Offset.offset(1e-12));
	}

	private static CitationPredictor.Found found(String id) {
		return new CitationPredictor.Found(hit(id, 0));
	}

	private static dev.ragplatform.llm.retrieval.RetrievalClient.Hit hit(String id, int chunk) {
		return new dev.ragplatform.llm.retrieval.RetrievalClient.Hit(id, id, id, chunk, "text", 0, 4, 1.0, null);
	}

}
