package dev.ragplatform.contracts.search;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Search results.
 *
 * @param exact whether the dense ranking is exact (a scan) rather than approximate (HNSW); absent for lexical
 * @param reranked whether the rerank step ran; absent when it was not asked for
 * @param rerankError why reranking failed, when it did (results are then in retrieval order)
 * @param adapter the adapter applied to the query vector (its id), or {@code "none"}
 * @param timings milliseconds per stage
 * @param reranker what reranked: {@code late-interaction (stored <storage>)} (MaxSim over the token vectors
 * stored at index time) or {@code rerank-service}; absent when nothing did
 * @param rerankNote why the stored token vectors were not used, when rerank-service reranked instead
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchResponse(String collection, String mode, String task, Boolean exact, Boolean reranked,
		String rerankError, String adapter, List<ChunkHit> results, Map<String, Double> timings, String reranker,
		String rerankNote) {
}
