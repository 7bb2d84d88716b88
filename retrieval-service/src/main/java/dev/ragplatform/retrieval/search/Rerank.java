package dev.ragplatform.retrieval.search;

record Rerank(Boolean enabled, Integer topN) {
}
