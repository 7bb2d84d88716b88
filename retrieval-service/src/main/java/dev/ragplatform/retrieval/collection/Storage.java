package dev.ragplatform.retrieval.collection;

import java.util.Locale;

/** How a collection stores its vectors (and so what its HNSW index holds). */
public enum Storage {

	/** float32: exact vectors; HNSW indexes up to 2,000 dimensions. */
	VECTOR("embedding", "vector", 2000),

	/**
	 * float16: half the memory for rows and index, up to 4,000 indexed dimensions; for normalised text embeddings
	 * the ranking loss is negligible (docs/experiments/retrieval-service-hnsw-ef-search.md).
	 */
	HALFVEC("embedding_half", "halfvec", 4000);

	private final String column;

	private final String type;

	private final int maxIndexedDimensions;

	Storage(String column, String type, int maxIndexedDimensions) {
		this.column = column;
		this.type = type;
		this.maxIndexedDimensions = maxIndexedDimensions;
	}

	/** The chunk column that holds the vector. */
	public String column() {
		return this.column;
	}

	/** The pgvector type name. */
	public String type() {
		return this.type;
	}

	int maxIndexedDimensions() {
		return this.maxIndexedDimensions;
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Storage parse(String value) {
		for (Storage storage : values()) {
			if (storage.id().equals(value)) {
				return storage;
			}
		}
		throw new IllegalArgumentException("storage must be vector or halfvec; not '" + value + "'");
	}

}
