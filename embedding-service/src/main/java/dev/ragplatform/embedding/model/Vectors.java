package dev.ragplatform.embedding.model;

/** Small vector arithmetic on float arrays. */
public final class Vectors {

	private Vectors() {
	}

	/** Scales {@code v} to unit L2 length in place (a zero vector stays zero). */
	public static void normalize(float[] v) {
		double sum = 0;
		for (float x : v) {
			sum += (double) x * x;
		}
		if (sum > 0) {
			float scale = (float) (1.0 / Math.sqrt(sum));
			for (int i = 0; i < v.length; i++) {
				v[i] *= scale;
			}
		}
	}

	/** Matryoshka-style: the first {@code dimensions} components, re-normalised when {@code normalize}. */
	public static float[] truncate(float[] v, int dimensions, boolean normalize) {
		if (dimensions >= v.length) {
			return v;
		}
		float[] cut = java.util.Arrays.copyOf(v, dimensions);
		if (normalize) {
			normalize(cut);
		}
		return cut;
	}

	public static double cosine(float[] a, float[] b) {
		double dot = 0;
		double na = 0;
		double nb = 0;
		for (int i = 0; i < a.length; i++) {
			dot += (double) a[i] * b[i];
			na += (double) a[i] * a[i];
			nb += (double) b[i] * b[i];
		}
		return dot / Math.sqrt(na * nb);
	}

}
