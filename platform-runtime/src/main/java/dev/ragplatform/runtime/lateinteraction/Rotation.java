package dev.ragplatform.runtime.lateinteraction;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed random orthogonal rotation per width, the same in every service and every run:
 * {@link TokenEncoding#BINARY} takes the signs of rotated residuals, and {@link MaxSim} rotates the query the same
 * way. A rotation keeps dot products; it spreads a residual's energy
 * over all dimensions, so one bit per dimension with one scale estimates {@code q · r} without the bias the few
 * large dimensions of a transformer's vectors give (the idea of RaBitQ, Gao and Long, SIGMOD 2024).
 */
final class Rotation {

	/** Changing it changes every stored binary token vector: a Flyway migration must then clear them for backfill. */
	private static final long SEED = 0x5EED_B17L;

	private static final Map<Integer, float[][]> BY_WIDTH = new ConcurrentHashMap<>();

	private Rotation() {
	}

	/** {@code R × vector}, for the rotation of {@code vector.length} dimensions. */
	static float[] apply(float[] vector) {
		float[][] columns = BY_WIDTH.computeIfAbsent(vector.length, Rotation::columns);
		float[] out = new float[vector.length];
		// a sum of R's columns scaled by the vector: an axpy loop, which HotSpot may vectorise (a float reduction it
		// may not reorder); each output element is summed in the same order everywhere, so every service agrees
		for (int d = 0; d < columns.length; d++) {
			float x = vector[d];
			float[] column = columns[d];
			for (int i = 0; i < out.length; i++) {
				out[i] += x * column[i];
			}
		}
		return out;
	}

	/**
	 * Rᵀ (row {@code d} is R's column {@code d}) of a seeded Gaussian matrix made orthonormal row by row by modified
	 * Gram–Schmidt in double, twice for orthogonality to rounding.
	 */
	private static float[][] columns(int dims) {
		Random random = new Random(SEED + dims);
		double[][] rows = new double[dims][dims];
		float[][] columns = new float[dims][dims];
		for (int i = 0; i < dims; i++) {
			double[] row = rows[i];
			for (int d = 0; d < dims; d++) {
				row[d] = random.nextGaussian();
			}
			for (int pass = 0; pass < 2; pass++) {
				for (int j = 0; j < i; j++) {
					double dot = 0;
					for (int d = 0; d < dims; d++) {
						dot += row[d] * rows[j][d];
					}
					for (int d = 0; d < dims; d++) {
						row[d] -= dot * rows[j][d];
					}
				}
			}
			double norm = 0;
			for (double x : row) {
				norm += x * x;
			}
			norm = Math.sqrt(norm);
			for (int d = 0; d < dims; d++) {
				row[d] /= norm;
				columns[d][i] = (float) row[d];
			}
		}
		return columns;
	}

}
