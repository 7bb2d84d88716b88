package dev.ragplatform.embedding.model;

import java.nio.FloatBuffer;

/** How token vectors become one text vector. */
public enum Pooling {

	/** The first token's vector ([CLS]); what BGE models are trained for. */
	CLS {
		@Override
		void pool(FloatBuffer hidden, int base, int length, int width, float[] out) {
			hidden.get(base, out, 0, width);
		}
	},

	/** The mean of the vectors of all real (unpadded) tokens; what sentence-transformers models mostly use. */
	MEAN {
		@Override
		void pool(FloatBuffer hidden, int base, int length, int width, float[] out) {
			for (int t = 0; t < length; t++) {
				int offset = base + t * width;
				for (int d = 0; d < width; d++) {
					out[d] += hidden.get(offset + d);
				}
			}
			for (int d = 0; d < width; d++) {
				out[d] /= length;
			}
		}
	};

	/**
	 * Pools one sequence of a {@code [batch, tokens, width]} output.
	 * @param base offset of the sequence's first token vector
	 * @param length number of real tokens (padding excluded)
	 */
	abstract void pool(FloatBuffer hidden, int base, int length, int width, float[] out);

}
