package dev.ragplatform.retrieval.collection;

import java.util.Locale;

/** How vectors are compared: the pgvector operator, the HNSW operator class, and how a distance becomes a score. */
public enum Distance {

	/** 1 − cosine similarity; score = cosine similarity. The right choice for normalised text embeddings. */
	COSINE("<=>", "cosine_ops"),

	/** Euclidean distance; score = −distance. */
	L2("<->", "l2_ops"),

	/** pgvector's {@code <#>} is the negative inner product; score = inner product. Fastest for normalised vectors. */
	INNER_PRODUCT("<#>", "ip_ops");

	private final String operator;

	private final String opclassSuffix;

	Distance(String operator, String opclassSuffix) {
		this.operator = operator;
		this.opclassSuffix = opclassSuffix;
	}

	public String operator() {
		return this.operator;
	}

	/** The HNSW operator class for vectors of {@code storage}. */
	String opclass(Storage storage) {
		return storage.type() + "_" + this.opclassSuffix;
	}

	/** Higher is better, whatever the distance. */
	public double score(double distance) {
		return (this == COSINE) ? 1 - distance : -distance;
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Distance parse(String value) {
		for (Distance distance : values()) {
			if (distance.id().equals(value)) {
				return distance;
			}
		}
		throw new IllegalArgumentException("distance must be one of cosine, l2, inner_product; not '" + value + "'");
	}

}
