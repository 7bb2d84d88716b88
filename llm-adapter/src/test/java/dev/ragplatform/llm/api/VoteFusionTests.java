package dev.ragplatform.llm.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.llm.api.VoteFusion.Ranking;
import dev.ragplatform.llm.api.VoteFusion.Vote;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class VoteFusionTests {

	@Test
	void votesAreSimilarityWeightedAndSummed() {
		Map<String, Double> votes = VoteFusion.tally(List.of(new Vote(0.9, List.of("Integer.parseInt")),
				new Vote(0.8, List.of("Integer.parseInt", "Integer.valueOf")), new Vote(0.95, List.of("String.valueOf"))));
		assertThat(votes.get("Integer.parseInt")).isCloseTo(1.7, within(1e-9));
		assertThat(votes.get("Integer.valueOf")).isCloseTo(0.8, within(1e-9));
		// one very similar example loses to two fairly similar ones that agree
		assertThat(VoteFusion.rank(votes)).containsExactly("Integer.parseInt", "String.valueOf", "Integer.valueOf");
	}

	@Test
	void anExampleNamingAnApiTwiceVotesOnce() {
		assertThat(VoteFusion.tally(List.of(new Vote(0.5, List.of("a", "a")))).get("a")).isEqualTo(0.5);
	}

	@Test
	void equalScoresRankByName() {
		Map<String, Double> scores = new LinkedHashMap<>();
		scores.put("b", 1.0);
		scores.put("a", 1.0);
		assertThat(VoteFusion.rank(scores)).containsExactly("a", "b");
	}

	@Test
	void weightedReciprocalRankFusion() {
		Map<String, Double> fused = VoteFusion.fuse(List.of(new Ranking("votes", List.of("x", "y"), 1.0),
				new Ranking("docs", List.of("y", "z"), 0.5)), 60);
		assertThat(fused.get("x")).isCloseTo(1.0 / 61, within(1e-12));
		assertThat(fused.get("y")).isCloseTo(1.0 / 62 + 0.5 / 61, within(1e-12));
		assertThat(fused.get("z")).isCloseTo(0.5 / 62, within(1e-12));
		assertThat(fused.keySet()).containsExactly("y", "x", "z");
	}

	@Test
	void aLightDocumentRankingFillsInButDoesNotOvertakeAClearVoteWinner() {
		// the votes' first choice is missing from the documents; with weight 0.3 the documents' first is still behind
		Map<String, Double> fused = VoteFusion.fuse(List.of(new Ranking("votes", List.of("voted", "other"), 1.0),
				new Ranking("docs", List.of("documented", "other2", "other3"), 0.3)), 60);
		assertThat(fused.keySet()).startsWith("voted", "other", "documented");
		// with equal weights (plain RRF) an API ranked second by both would win
		Map<String, Double> plain = VoteFusion.fuse(
				List.of(new Ranking("votes", List.of("voted", "both"), 1.0), new Ranking("docs", List.of("d", "both"), 1.0)),
				60);
		assertThat(plain.keySet()).startsWith("both");
	}

	@Test
	void zeroWeightRankingsAreIgnoredAndDuplicatesCountAtTheirFirstRank() {
		Map<String, Double> fused = VoteFusion.fuse(
				List.of(new Ranking("a", List.of("p", "q", "p"), 1.0), new Ranking("b", List.of("r"), 0.0)), 0);
		assertThat(fused).containsOnlyKeys("p", "q");
		assertThat(fused.get("p")).isEqualTo(1.0);
		assertThat(fused.get("q")).isEqualTo(0.5);
		assertThatIllegalArgumentException().isThrownBy(() -> VoteFusion.fuse(List.of(), -1));
	}

}
