package dev.ragplatform.retrieval.collection;

import java.time.OffsetDateTime;
import java.util.regex.Pattern;

import dev.ragplatform.runtime.lateinteraction.TokenEncoding;

/**
 * A collection: its settings and the counters the indexer keeps in step with its chunks.
 *
 * @param id surrogate key; also names the collection's chunk partition
 * @param name unique name matching {@link #NAME}
 * @param embeddingModel embedding-service model of its vectors
 * @param dimensions vector length
 * @param distance how vectors compare
 * @param storage float32 or float16 vectors
 * @param defaultTask LLM-Embedder task for queries that do not name one
 * @param language PostgreSQL text search configuration
 * @param hnswM HNSW graph degree
 * @param hnswEfConstruction HNSW build-time candidate list
 * @param chunkTargetTokens how many of the model's tokens ingest-service puts in a chunk at most
 * @param chunkOverlapTokens how many tokens a chunk repeats from the end of the previous one
 * @param documentCount documents indexed
 * @param chunkCount chunks indexed
 * @param tokenCount lexical tokens indexed (for BM25's average length)
 * @param createdAt creation time
 * @param updatedAt time of the last change to its contents
 * @param tokenStorage how its chunks' token vectors are stored for late interaction; {@code null}: they are not
 */
public record Collection(long id, String name, String embeddingModel, int dimensions, Distance distance,
		Storage storage, String defaultTask, String language, int hnswM, int hnswEfConstruction, int chunkTargetTokens,
		int chunkOverlapTokens, long documentCount,
		long chunkCount, long tokenCount, OffsetDateTime createdAt, OffsetDateTime updatedAt,
		TokenEncoding tokenStorage) {

	/** Lower-case letters, digits, {@code _} and {@code -}; starts with a letter or digit; at most 63 characters. */
	public static final Pattern NAME = dev.ragplatform.contracts.collection.CollectionNames.PATTERN;

	/** The collection's chunk partition; built from the numeric id only, never from user input. */
	public String partition() {
		return "retrieval.chunks_" + this.id;
	}

	/** The indexed expression: the vector column cast to the collection's typed vector. */
	public String vectorExpression() {
		return "(" + this.storage.column() + "::public." + this.storage.type() + "(" + this.dimensions + "))";
	}

	/** Casts a bind parameter to the collection's typed vector. */
	public String vectorParameter() {
		return "?::public." + this.storage.type() + "(" + this.dimensions + ")";
	}

	/** SQL distance between the chunk's vector and a bind parameter. */
	public String distanceExpression() {
		return this.vectorExpression() + " " + this.distance.operator() + " " + vectorParameter();
	}

	/** Average lexical document length, for BM25. */
	public double averageTokens() {
		return (this.chunkCount > 0) ? (double) this.tokenCount / this.chunkCount : 1;
	}

}
