package dev.ragplatform.retrieval.search;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/search} (text) and {@code POST /v1/search/vector} (raw vector). */
@RestController
class SearchController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final SearchService service;

	SearchController(SearchService service) {
		this.service = service;
	}

	/** Set by the gateway on every request it forwards: the caller's scopes, e.g. {@code read,write}. */
	static final String CALLER_SCOPES = "X-Rag-Caller-Scopes";

	private static boolean admin(String scopes) {
		return scopes != null && java.util.Arrays.asList(scopes.split(",")).contains("admin");
	}

	@PostMapping("/v1/search")
	SearchResponse search(@RequestBody SearchRequest request,
			@RequestHeader(name = CALLER_SCOPES, required = false) String scopes) {
		return this.service.search(request, admin(scopes));
	}

	@PostMapping("/v1/search/vector")
	SearchResponse searchByVector(@RequestBody VectorSearchRequest request,
			@RequestHeader(name = CALLER_SCOPES, required = false) String scopes) {
		return this.service.searchByVector(request, admin(scopes));
	}

	/**
	 * A text search.
	 *
	 * @param collection the collection
	 * @param query the query text
	 * @param task LLM-Embedder task of the query; the collection's default when absent
	 * @param topK how many results (default {@code rag.retrieval.search.default-top-k})
	 * @param mode {@code dense}, {@code lexical} or {@code hybrid} (default)
	 * @param filter metadata filter (see the README)
	 * @param rerank whether and how deep to rerank
	 * @param efSearch HNSW {@code ef_search} for this query
	 * @param exact true: exact dense ranking by a scan; false: always the HNSW index; absent: exact when the
	 * (filtered) collection is small ({@code rag.retrieval.search.exact-scan-threshold})
	 * @param adapter {@code "none"}, an adapter id, or absent for the collection's active adapter (if it was
	 * trained for the query's task)
	 */
	record SearchRequest(String collection, String query, String task, Integer topK, String mode, JsonNode filter,
			Rerank rerank, Integer efSearch, Boolean exact, String adapter) {
	}

	record Rerank(Boolean enabled, Integer topN) {
	}

	record VectorSearchRequest(String collection, float[] vector, Integer topK, JsonNode filter, Integer efSearch,
			Boolean exact) {
	}

	/**
	 * Search results.
	 *
	 * @param exact whether the dense ranking is exact (a scan) rather than approximate (HNSW); absent for lexical
	 * @param reranked whether the rerank step ran; absent when it was not asked for
	 * @param rerankError why reranking failed, when it did (results are then in retrieval order)
	 * @param adapter the adapter applied to the query vector (its id), or {@code "none"}
	 * @param timings milliseconds per stage
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record SearchResponse(String collection, String mode, String task, Boolean exact, Boolean reranked,
			String rerankError, String adapter, List<ChunkHit> results, Map<String, Double> timings) {
	}

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

}
