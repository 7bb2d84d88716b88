package dev.ragplatform.retrieval.search;

import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.Similarity;

/**
 * Okapi BM25 exactly as {@link LexicalSearch}'s SQL computes it, for the Lucene index:
 * {@code idf = ln(1 + (N − df + 0.5) / (df + 0.5))} times {@code tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl))}.
 * Unlike Lucene's {@code BM25Similarity}, the norm is the exact document length (the number of lexeme positions,
 * as {@code retrieval.tsvector_token_count} counts them), not a one-byte approximation, and {@code N}, {@code avgdl}
 * and {@code df} are those of the live chunks (the index supplies them), so deleted-but-unmerged documents change
 * nothing. The score grows with {@code tf} and falls with the norm, as block-max WAND requires.
 */
final class ExactBm25 extends Similarity {

	private final double k1;

	private final double b;

	private final long chunks;

	private final double averageLength;

	/**
	 * @param chunks {@code N}, the live chunks of the collection (at least 1)
	 * @param averageLength {@code avgdl}
	 */
	ExactBm25(double k1, double b, long chunks, double averageLength) {
		super(false);
		this.k1 = k1;
		this.b = b;
		this.chunks = chunks;
		this.averageLength = averageLength;
	}

	/** What the index writer needs: the norm only. */
	static ExactBm25 forIndexing() {
		return new ExactBm25(1.2, 0.75, 1, 1);
	}

	@Override
	public long computeNorm(FieldInvertState state) {
		// every lexeme position is one token with a position increment of 1: the length is the chunk's token count
		return state.getLength();
	}

	double idf(long documentFrequency) {
		return Math.log(1 + (this.chunks - documentFrequency + 0.5) / (documentFrequency + 0.5));
	}

	/** One term's contribution, in double precision: what a hit's final score is summed from. */
	double score(double idf, double freq, long length) {
		return idf * freq * (this.k1 + 1) / (freq + this.k1 * (1 - this.b + this.b * length / this.averageLength));
	}

	@Override
	public SimScorer scorer(float boost, CollectionStatistics collectionStats, TermStatistics... termStats) {
		double idf = 0;
		for (TermStatistics term : termStats) {
			idf += idf(term.docFreq());
		}
		double weight = boost * idf * (this.k1 + 1);
		double k1 = this.k1;
		double b = this.b;
		double averageLength = this.averageLength;
		return new SimScorer() {

			@Override
			public float score(float freq, long norm) {
				return (float) (weight * freq / (freq + k1 * (1 - b + b * norm / averageLength)));
			}

		};
	}

}
