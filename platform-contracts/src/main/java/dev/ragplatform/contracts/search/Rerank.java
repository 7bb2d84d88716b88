package dev.ragplatform.contracts.search;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The rerank step of a search.
 *
 * @param enabled whether rerank-service reranks the candidates
 * @param topN how many of the first candidates it reranks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rerank(Boolean enabled, Integer topN) {
}
