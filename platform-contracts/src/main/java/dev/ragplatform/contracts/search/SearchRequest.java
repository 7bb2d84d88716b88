package dev.ragplatform.contracts.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A text search: the body of retrieval-service's {@code POST /v1/search}.
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
 * @param fresh whether lexical search first applies every change committed before the request, so a document
 * reported INDEXED is found (read your own writes); absent: {@code rag.retrieval.lexical.read-your-writes} (true)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchRequest(String collection, String query, String task, Integer topK, String mode, JsonNode filter,
		Rerank rerank, Integer efSearch, Boolean exact, String adapter, Boolean fresh) {
}
