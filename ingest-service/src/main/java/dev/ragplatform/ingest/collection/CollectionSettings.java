package dev.ragplatform.ingest.collection;

/**
 * What ingest needs to know of a collection (owned by retrieval-service).
 *
 * @param name the collection
 * @param embeddingModel the model its vectors come from
 * @param dimensions vector length
 * @param defaultTask the task whose document instruction embeds its chunks ({@code none}: the model's own)
 * @param targetTokens most tokens per chunk
 * @param overlapTokens tokens repeated from the previous chunk
 * @param generation which collection of this name it is (a new one each time a collection is created)
 * @param tokenStorage how it stores token vectors for late interaction ({@code binary}, {@code int8},
 * {@code float32}); {@code null}: it keeps none
 */
public record CollectionSettings(String name, String embeddingModel, int dimensions, String defaultTask,
		int targetTokens, int overlapTokens, long generation, String tokenStorage) {
}
