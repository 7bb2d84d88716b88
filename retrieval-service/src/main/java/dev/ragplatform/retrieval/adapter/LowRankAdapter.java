package dev.ragplatform.retrieval.adapter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * A low-rank residual adapter on query vectors: {@code q' = normalize(q + B·(A·q))}, {@code A} r × d and {@code B}
 * d × r, both row-major. With {@code B = 0} it is the identity (up to normalisation), which is where training
 * starts. Instances are immutable once published to search: training works on its own copy.
 */
final class LowRankAdapter {

	final int dims;

	final int rank;

	/** r × d, row-major: {@code a[j * dims + k]}. */
	final float[] a;

	/** d × r, row-major: {@code b[i * rank + j]}. */
	final float[] b;

	LowRankAdapter(int dims, int rank, float[] a, float[] b) {
		if (a.length != rank * dims || b.length != dims * rank) {
			throw new IllegalArgumentException("weights do not match " + dims + " dimensions and rank " + rank);
		}
		this.dims = dims;
		this.rank = rank;
		this.a = a;
		this.b = b;
	}

	/** {@code A} small and random, {@code B} zero: the identity, with gradients flowing into {@code B} at once. */
	static LowRankAdapter initial(int dims, int rank, long seed) {
		Random random = new Random(seed);
		float[] a = new float[rank * dims];
		double scale = 1.0 / Math.sqrt(dims);
		for (int i = 0; i < a.length; i++) {
			a[i] = (float) (random.nextGaussian() * scale);
		}
		return new LowRankAdapter(dims, rank, a, new float[dims * rank]);
	}

	LowRankAdapter copy() {
		return new LowRankAdapter(this.dims, this.rank, this.a.clone(), this.b.clone());
	}

	/** The adapted, unit-length query vector. */
	float[] apply(float[] query) {
		return forward(query).output;
	}

	/** What backpropagation needs of one forward pass. */
	record Forward(float[] query, float[] hidden, float[] output, double norm) {
	}

	Forward forward(float[] q) {
		if (q.length != this.dims) {
			throw new IllegalArgumentException("query has " + q.length + " dimensions, the adapter " + this.dims);
		}
		float[] h = new float[this.rank];
		for (int j = 0; j < this.rank; j++) {
			h[j] = (float) Vectors.dot(this.a, j * this.dims, q, 0, this.dims);
		}
		float[] u = new float[this.dims];
		double norm2 = 0;
		for (int i = 0; i < this.dims; i++) {
			double v = q[i] + Vectors.dot(this.b, i * this.rank, h, 0, this.rank);
			u[i] = (float) v;
			norm2 += v * v;
		}
		double norm = Math.sqrt(norm2);
		if (norm < 1e-12) {
			norm = 1e-12;
		}
		for (int i = 0; i < this.dims; i++) {
			u[i] = (float) (u[i] / norm);
		}
		return new Forward(q, h, u, norm);
	}

	/**
	 * Adds the gradients of a loss with respect to {@code A} and {@code B} to {@code gradA}, {@code gradB}, given
	 * the loss's gradient {@code gOut} with respect to the output of {@code forward}.
	 */
	void backward(Forward f, double[] gOut, double[] gradA, double[] gradB) {
		float[] out = f.output;
		double along = 0;
		for (int i = 0; i < this.dims; i++) {
			along += gOut[i] * out[i];
		}
		// through the normalisation: dL/du = (g - (g·out) out) / |u|
		double[] gu = new double[this.dims];
		for (int i = 0; i < this.dims; i++) {
			gu[i] = (gOut[i] - along * out[i]) / f.norm;
		}
		double[] gh = new double[this.rank];
		float[] h = f.hidden;
		for (int i = 0; i < this.dims; i++) {
			double g = gu[i];
			int row = i * this.rank;
			for (int j = 0; j < this.rank; j++) {
				gradB[row + j] += g * h[j];
				gh[j] += this.b[row + j] * g;
			}
		}
		float[] q = f.query;
		for (int j = 0; j < this.rank; j++) {
			double g = gh[j];
			int row = j * this.dims;
			for (int k = 0; k < this.dims; k++) {
				gradA[row + k] += g * q[k];
			}
		}
	}

	/** Little-endian float32: A then B. */
	byte[] toBytes() {
		ByteBuffer buffer = ByteBuffer.allocate((this.a.length + this.b.length) * Float.BYTES)
			.order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(this.a).put(this.b);
		return buffer.array();
	}

	static LowRankAdapter fromBytes(int dims, int rank, byte[] bytes) {
		if (bytes.length != 2 * dims * rank * Float.BYTES) {
			throw new IllegalArgumentException("stored weights have " + bytes.length + " bytes, expected "
					+ (2 * dims * rank * Float.BYTES));
		}
		var floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
		float[] a = new float[rank * dims];
		float[] b = new float[dims * rank];
		floats.get(a).get(b);
		return new LowRankAdapter(dims, rank, a, b);
	}

}
