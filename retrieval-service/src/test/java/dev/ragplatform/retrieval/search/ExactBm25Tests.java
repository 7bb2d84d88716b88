package dev.ragplatform.retrieval.search;

import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExactBm25Tests {

	final ExactBm25 bm25 = new ExactBm25(1.2, 0.75, 1_000, 120);

	@Test
	void scoresAsTheSqlFormula() {
		double idf = Math.log(1 + (1_000 - 37 + 0.5) / (37 + 0.5));
		double expected = idf * 3 * 2.2 / (3 + 1.2 * (1 - 0.75 + 0.75 * 95 / 120.0));
		assertThat(this.bm25.idf(37)).isCloseTo(idf, within(1e-12));
		assertThat(this.bm25.score(this.bm25.idf(37), 3, 95)).isCloseTo(expected, within(1e-12));
		Similarity.SimScorer scorer = this.bm25.scorer(1, null,
				new org.apache.lucene.search.TermStatistics(new BytesRef("x"), 37, 80));
		assertThat((double) scorer.score(3, 95)).isCloseTo(expected, within(1e-5));
	}

	@Test
	void growsWithTermFrequencyAndFallsWithLengthAsBlockMaxWandRequires() {
		Similarity.SimScorer scorer = this.bm25.scorer(1, null,
				new org.apache.lucene.search.TermStatistics(new BytesRef("x"), 5, 5));
		float previous = 0;
		for (int freq = 1; freq < 300; freq++) {
			float score = scorer.score(freq, 300);
			assertThat(score).isGreaterThanOrEqualTo(previous);
			previous = score;
		}
		previous = Float.MAX_VALUE;
		for (long length = 1; length < 5_000; length += 7) {
			float score = scorer.score(2, length);
			assertThat(score).isLessThanOrEqualTo(previous);
			previous = score;
		}
	}

	@Test
	void aRareTermOutweighsACommonOne() {
		assertThat(this.bm25.idf(1)).isGreaterThan(this.bm25.idf(10)).isGreaterThan(this.bm25.idf(900));
		assertThat(this.bm25.idf(1_000)).isPositive();
	}

}
