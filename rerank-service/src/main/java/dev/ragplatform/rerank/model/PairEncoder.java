package dev.ragplatform.rerank.model;

import java.util.ArrayList;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;

/**
 * Tokenises (query, passage) pairs as the cross-encoder was trained on them: the tokenizer's own pair template
 * ({@code [CLS] q [SEP] p [SEP]} for BERT, {@code <s> q </s></s> p </s>} for XLM-R) with its token type ids.
 * Only the passage is ever truncated; a query so long that it would crowd out the passages is refused.
 */
final class PairEncoder {

	private final HuggingFaceTokenizer tokenizer;

	private final String model;

	private final int maxLength;

	private final int pairSpecialTokens;

	PairEncoder(HuggingFaceTokenizer tokenizer, String model, int maxLength) {
		this.tokenizer = tokenizer;
		this.model = model;
		this.maxLength = maxLength;
		long[] sequences = tokenizer.encode("a", "b").getSequenceIds();
		this.pairSpecialTokens = sequences.length - Tokenizers.count(sequences, 0) - Tokenizers.count(sequences, 1);
	}

	/**
	 * The most tokens a query may have: half the model's length less the pair's special tokens, so that every
	 * passage keeps at least half of the sequence.
	 */
	int maxQueryTokens() {
		return this.maxLength / 2 - this.pairSpecialTokens;
	}

	/**
	 * Each passage paired with the query, passage tokens cut to the room the model leaves (and to
	 * {@code maxTokensPerDoc}).
	 * @throws QueryTooLongException when the query has more than {@link #maxQueryTokens()} tokens
	 * @throws DocumentTooLongException when a passage must be cut and {@code truncate} is off
	 */
	Pairs encode(String query, List<String> passages, Integer maxTokensPerDoc, boolean truncate) {
		int queryTokens = this.tokenizer.encode(query, false, false).getIds().length;
		if (queryTokens > maxQueryTokens()) {
			throw new QueryTooLongException("the query has " + queryTokens + " tokens; " + this.model + " takes at "
					+ "most " + this.maxLength + " tokens per query and passage together, and a query may use at most "
					+ maxQueryTokens() + " of them so that passages keep room (queries are never truncated)");
		}
		int room = this.maxLength - this.pairSpecialTokens - queryTokens;
		int allowed = (maxTokensPerDoc != null) ? Math.min(room, maxTokensPerDoc) : room;
		PairList<String, String> pairs = new PairList<>(passages.size());
		for (String passage : passages) {
			pairs.add(query, passage);
		}
		Encoding[] encodings = this.tokenizer.batchEncode(pairs, true, false);
		List<Encoded> encoded = new ArrayList<>(encodings.length);
		int truncated = 0;
		long tokens = 0;
		for (int i = 0; i < encodings.length; i++) {
			Encoding encoding = encodings[i];
			long[] sequences = encoding.getSequenceIds();
			int passageTokens = Tokenizers.count(sequences, 1);
			Encoded pair;
			if (passageTokens > allowed) {
				if (!truncate) {
					throw new DocumentTooLongException(i, passageTokens, allowed, this.model);
				}
				int[] keep = Tokenizers.keep(sequences, 1, allowed);
				pair = new Encoded(Tokenizers.select(encoding.getIds(), keep),
						Tokenizers.select(encoding.getTypeIds(), keep));
				truncated++;
			}
			else {
				pair = new Encoded(encoding.getIds(), encoding.getTypeIds());
			}
			tokens += pair.tokens();
			encoded.add(pair);
		}
		return new Pairs(encoded, tokens, truncated);
	}

	/** The pairs of one request, their tokens in all, and how many passages were cut. */
	record Pairs(List<Encoded> pairs, long tokens, int truncated) {
	}

}
