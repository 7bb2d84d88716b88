package dev.ragplatform.rerank.model;

/**
 * One tokenised sequence as the model takes it: token ids and, for pairs, token type ids (0 for the query's segment,
 * 1 for the passage's, as the tokenizer's post-processor assigns them).
 */
record Encoded(long[] ids, long[] typeIds) {

	int tokens() {
		return this.ids.length;
	}

}
