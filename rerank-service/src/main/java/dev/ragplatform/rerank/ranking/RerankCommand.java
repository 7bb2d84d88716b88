package dev.ragplatform.rerank.ranking;

import java.util.List;

/**
 * One rerank request, whichever API it came through.
 *
 * @param model the model's name, {@code null} for the default one
 * @param topN how many results to return ({@code null}: all)
 * @param maxTokensPerDoc the most passage tokens scored per document ({@code null}: what the model leaves)
 * @param truncate whether documents too long for the model are cut (else 413)
 * @param rawScores whether a cross-encoder's logits are returned without its score function
 */
record RerankCommand(String model, String query, List<String> documents, Integer topN, Integer maxTokensPerDoc,
		boolean truncate, boolean rawScores) {
}
