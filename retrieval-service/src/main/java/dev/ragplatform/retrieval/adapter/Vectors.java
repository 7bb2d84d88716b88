package dev.ragplatform.retrieval.adapter;

/** Small dense-vector helpers; the dot product keeps four partial sums so the JIT can pipeline it. */
final class Vectors {

	private Vectors() {
	}

	static double dot(float[] x, int xOffset, float[] y, int yOffset, int length) {
		float s0 = 0;
		float s1 = 0;
		float s2 = 0;
		float s3 = 0;
		int i = 0;
		for (; i + 3 < length; i += 4) {
			s0 += x[xOffset + i] * y[yOffset + i];
			s1 += x[xOffset + i + 1] * y[yOffset + i + 1];
			s2 += x[xOffset + i + 2] * y[yOffset + i + 2];
			s3 += x[xOffset + i + 3] * y[yOffset + i + 3];
		}
		for (; i < length; i++) {
			s0 += x[xOffset + i] * y[yOffset + i];
		}
		return (double) s0 + s1 + s2 + s3;
	}

	static double dot(float[] x, float[] y) {
		return dot(x, 0, y, 0, x.length);
	}

	/** A unit-length copy (the vector itself when it is zero). */
	static float[] normalized(float[] v) {
		double n = Math.sqrt(dot(v, v));
		if (n == 0) {
			return v.clone();
		}
		float[] out = new float[v.length];
		for (int i = 0; i < v.length; i++) {
			out[i] = (float) (v[i] / n);
		}
		return out;
	}

}
