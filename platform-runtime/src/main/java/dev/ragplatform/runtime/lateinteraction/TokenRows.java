package dev.ragplatform.runtime.lateinteraction;

import java.nio.FloatBuffer;

/** Token vectors out of an encoder's {@code [batch, tokens, width]} output, as late interaction scores them. */
public final class TokenRows {

	private TokenRows() {
	}

	/**
	 * The L2-normalised rows of the kept positions of one sequence (a zero row stays zero).
	 * @param base offset of the sequence's first token vector in {@code hidden}
	 */
	public static float[][] unit(FloatBuffer hidden, int base, boolean[] kept, int width) {
		int count = 0;
		for (boolean k : kept) {
			count += k ? 1 : 0;
		}
		float[][] vectors = new float[count][width];
		int v = 0;
		for (int t = 0; t < kept.length; t++) {
			if (!kept[t]) {
				continue;
			}
			float[] vector = vectors[v++];
			hidden.get(base + t * width, vector, 0, width);
			double norm = 0;
			for (float x : vector) {
				norm += (double) x * x;
			}
			float scale = (norm > 0) ? (float) (1.0 / Math.sqrt(norm)) : 0f;
			for (int d = 0; d < width; d++) {
				vector[d] *= scale;
			}
		}
		return vectors;
	}

}
