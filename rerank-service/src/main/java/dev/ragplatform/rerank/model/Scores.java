package dev.ragplatform.rerank.model;

/**
 * The scores of one request's documents, in input order.
 *
 * @param scores one per document
 * @param tokens the tokens the model ran (query included)
 * @param truncated how many documents were cut to fit
 */
public record Scores(float[] scores, long tokens, int truncated) {
}
