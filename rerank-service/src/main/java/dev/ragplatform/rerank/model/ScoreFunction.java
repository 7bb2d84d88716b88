package dev.ragplatform.rerank.model;

import java.util.Locale;

/** What a model's raw output becomes as a relevance score. */
public enum ScoreFunction {

	/** {@code 1 / (1 + e^-logit)}: a score in (0, 1), what sentence-transformers' CrossEncoder returns by default. */
	SIGMOID("sigmoid") {
		@Override
		public float apply(float raw) {
			return (float) (1.0 / (1.0 + Math.exp(-raw)));
		}
	},

	/** The logit itself (for models trained without a sigmoid head, or clients that calibrate scores). */
	RAW("raw") {
		@Override
		public float apply(float raw) {
			return raw;
		}
	},

	/**
	 * Late interaction: the sum over query tokens of the best cosine over passage tokens (divided by the number of
	 * query tokens when {@code rag.rerank.late-interaction.average-over-query-tokens}); already a similarity.
	 */
	MAXSIM("maxsim") {
		@Override
		public float apply(float raw) {
			return raw;
		}
	};

	private final String wireName;

	ScoreFunction(String wireName) {
		this.wireName = wireName;
	}

	/** The score from the model's raw output. */
	public abstract float apply(float raw);

	/** The name in {@code rerank.json} and in {@code GET /v1/models}. */
	public String wireName() {
		return this.wireName;
	}

	/** {@code sigmoid} or {@code raw}, as a cross-encoder's {@code rerank.json} says. */
	static ScoreFunction parse(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "sigmoid" -> SIGMOID;
			case "raw", "identity", "none" -> RAW;
			default -> throw new IllegalArgumentException("unknown scoreFunction '" + name + "'; use sigmoid or raw");
		};
	}

}
