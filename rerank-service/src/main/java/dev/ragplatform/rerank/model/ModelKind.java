package dev.ragplatform.rerank.model;

import java.util.Locale;

/** How a model turns a query and a passage into a score. */
public enum ModelKind {

	/** Query and passage in one sequence (with token type ids where the model has them); the model outputs a logit. */
	CROSS_ENCODER("cross-encoder"),

	/**
	 * Query and passage encoded apart into token vectors, scored by ColBERT's MaxSim. Cheaper to train for (none
	 * here: it runs the bundled bi-encoder), weaker than a real cross-encoder, stronger than one vector per text.
	 */
	LATE_INTERACTION("late-interaction");

	private final String wireName;

	ModelKind(String wireName) {
		this.wireName = wireName;
	}

	/** The name in {@code rerank.json} and in {@code GET /v1/models}. */
	public String wireName() {
		return this.wireName;
	}

	static ModelKind parse(String name) {
		for (ModelKind kind : values()) {
			if (kind.wireName.equals(name.toLowerCase(Locale.ROOT))) {
				return kind;
			}
		}
		throw new IllegalArgumentException("unknown kind '" + name + "'; use cross-encoder");
	}

}
