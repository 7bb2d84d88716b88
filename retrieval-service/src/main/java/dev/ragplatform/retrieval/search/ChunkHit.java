package dev.ragplatform.retrieval.search;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One chunk in the results.
 *
 * @param score the final score (fused, reranked or the single stage's)
 * @param scores score per stage: dense (similarity), lexical (BM25), fused (RRF), rerank
 * @param ranks 1-based rank per stage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChunkHit(String documentId, long version, int chunkIndex, String title, String externalId, String text,
		int startOffset, int endOffset, JsonNode metadata, double score, Map<String, Double> scores,
		Map<String, Integer> ranks) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static ChunkHit of(Candidate c, double score, Map<String, Double> scores, Map<String, Integer> ranks) {
		return new ChunkHit(c.documentId(), c.version(), c.chunkIndex(), null, null, c.text(), c.startOffset(),
				c.endOffset(), JSON.readTree(c.metadata()), score, scores, ranks);
	}

	ChunkHit withScore(double newScore, Map<String, Double> newScores) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, this.title, this.externalId, this.text,
				this.startOffset, this.endOffset, this.metadata, newScore, newScores, this.ranks);
	}

	ChunkHit withRanks(Map<String, Integer> newRanks) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, this.title, this.externalId, this.text,
				this.startOffset, this.endOffset, this.metadata, this.score, this.scores, newRanks);
	}

	ChunkHit withDocument(String newTitle, String newExternalId) {
		return new ChunkHit(this.documentId, this.version, this.chunkIndex, newTitle, newExternalId, this.text,
				this.startOffset, this.endOffset, this.metadata, this.score, this.scores, this.ranks);
	}

}
