package dev.ragplatform.retrieval.search;

import tools.jackson.databind.JsonNode;

record VectorSearchRequest(String collection, float[] vector, Integer topK, JsonNode filter, Integer efSearch,
		Boolean exact) {
}
