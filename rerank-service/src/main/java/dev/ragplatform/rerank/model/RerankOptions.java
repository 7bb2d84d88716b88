package dev.ragplatform.rerank.model;

/**
 * How to score one request.
 *
 * @param maxTokensPerDoc the most passage tokens scored per document ({@code null}: as many as the model takes)
 * @param truncate whether a document longer than that is cut (else refused)
 * @param rawScores whether a cross-encoder's logits are returned without its score function
 * @param deadlineNanos when the caller stops waiting ({@link System#nanoTime()} clock)
 */
public record RerankOptions(Integer maxTokensPerDoc, boolean truncate, boolean rawScores, long deadlineNanos) {
}
