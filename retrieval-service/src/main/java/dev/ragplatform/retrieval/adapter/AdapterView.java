package dev.ragplatform.retrieval.adapter;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

@JsonInclude(JsonInclude.Include.NON_NULL)
record AdapterView(UUID id, String collection, int version, String name, String status, boolean active,
		String supervision, String task, String embeddingModel, int dimensions, int rank, String dataDigest,
		JsonNode settings, JsonNode metrics, Object progress, String error, OffsetDateTime createdAt,
		OffsetDateTime finishedAt) {
}
