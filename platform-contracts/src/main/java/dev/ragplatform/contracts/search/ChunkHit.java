package dev.ragplatform.contracts.search;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One chunk in the results.
 *
 * @param score the final score (fused, reranked or the single stage's)
 * @param scores score per stage: dense (similarity), lexical (BM25), fused (RRF), rerank
 * @param ranks 1-based rank per stage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkHit(String documentId, long version, int chunkIndex, String title, String externalId, String text,
		int startOffset, int endOffset, JsonNode metadata, double score, Map<String, Double> scores,
		Map<String, Integer> ranks) {

	public ChunkHit withScore(double newScore, Map<String, Double> newScores) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, this.title, this.externalId, this.text,
				this.startOffset, this.endOffset, this.metadata, newScore, newScores, this.ranks);
	}

	public ChunkHit withRanks(Map<String, Integer> newRanks) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, this.title, this.externalId, this.text,
				this.startOffset, this.endOffset, this.metadata, this.score, this.scores, newRanks);
	}

	public ChunkHit withDocument(String newTitle, String newExternalId) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, newTitle, newExternalId, this.text,
				this.startOffset, this.endOffset, this.metadata, this.score, this.scores, this.ranks);
	}

}
