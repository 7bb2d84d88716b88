package dev.ragplatform.runtime.lateinteraction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * How a text's token vectors are stored for late interaction: one record per token, tokens concatenated, no
 * header (the width comes from the collection). Every encoding takes L2-normalised vectors; the query side is
 * always scored in float ({@link MaxSim}).
 */
public enum TokenEncoding {

	/** Full precision: {@code 4 × dims} bytes a token, little-endian float32. The reference the others are measured against. */
	FLOAT32 {
		@Override
		public int bytesPerToken(int dims) {
			return 4 * dims;
		}

		@Override
		void put(float[] vector, ByteBuffer out) {
			for (float x : vector) {
				out.putFloat(x);
			}
		}
	},

	/**
	 * One signed byte a dimension and a float32 scale ({@code max |x| / 127}): {@code dims + 4} bytes a token,
	 * a quarter of float32.
	 */
	INT8 {
		@Override
		public int bytesPerToken(int dims) {
			return dims + 4;
		}

		@Override
		void put(float[] vector, ByteBuffer out) {
			float max = 0;
			for (float x : vector) {
				max = Math.max(max, Math.abs(x));
			}
			float scale = (max > 0) ? max / 127f : 0f;
			out.putFloat(scale);
			for (float x : vector) {
				out.put((byte) ((scale > 0) ? Math.round(x / scale) : 0));
			}
		}
	},

	/**
	 * The text's centroid (the mean of its token vectors) once, as {@link #INT8}, then per token the signs of its
	 * residual to the centroid after a fixed random {@link Rotation} and a float16 scale
	 * {@code |r|² / |R r|₁}: {@code dims / 8 + 2} bytes a token, 50 at 384 dimensions, plus {@code dims + 4} a text.
	 * Bit {@code k} of byte {@code j} is rotated dimension {@code 8j + k}, set when it is positive. {@link MaxSim}
	 * estimates {@code q · r} as {@code scale × (R q) · sign(R r)}: with that scale the estimate is unbiased (RaBitQ),
	 * where the least-squares scale (mean {@code |x|}) shrinks every residual's part by about 2/π and the signs of the
	 * unrotated residual follow bge's few dominant dimensions; both lost 0.015 nDCG@10 on SciFact against int8.
	 * The residual, not the vector: a bi-encoder's token vectors share a large common component
	 * (docs/experiments/late-interaction-storage.md).
	 */
	BINARY {
		@Override
		public int bytesPerToken(int dims) {
			return (dims + 7) / 8 + 2;
		}

		@Override
		public int bytesPerText(int dims) {
			return INT8.bytesPerToken(dims);
		}

		/** {@code vector}: a rotated residual, whose squared norm is the residual's. */
		@Override
		void put(float[] vector, ByteBuffer out) {
			double l1 = 0;
			double l2 = 0;
			for (float x : vector) {
				l1 += Math.abs(x);
				l2 += (double) x * x;
			}
			out.putShort(Float.floatToFloat16((l1 > 0) ? (float) (l2 / l1) : 0f));
			for (int j = 0; j < vector.length; j += 8) {
				int bits = 0;
				for (int k = 0; k < 8 && j + k < vector.length; k++) {
					if (vector[j + k] > 0) {
						bits |= 1 << k;
					}
				}
				out.put((byte) bits);
			}
		}

		@Override
		public byte[] encode(float[][] vectors) {
			if (vectors.length == 0) {
				return new byte[0];
			}
			int dims = vectors[0].length;
			float[] centroid = new float[dims];
			for (float[] vector : vectors) {
				check(vector, dims);
				for (int d = 0; d < dims; d++) {
					centroid[d] += vector[d] / vectors.length;
				}
			}
			ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes(vectors.length, dims)))
				.order(ByteOrder.LITTLE_ENDIAN);
			INT8.put(centroid, out);
			float[] residual = new float[dims];
			for (float[] vector : vectors) {
				for (int d = 0; d < dims; d++) {
					residual[d] = vector[d] - centroid[d];
				}
				put(Rotation.apply(residual), out);
			}
			return out.array();
		}
	};

	/** Bytes one token of {@code dims} dimensions takes. */
	public abstract int bytesPerToken(int dims);

	/** Bytes the stored form of a text of {@code tokens} tokens takes. */
	public long bytes(int tokens, int dims) {
		return bytesPerText(dims) + (long) tokens * bytesPerToken(dims);
	}

	/** Bytes a text takes once, beside its tokens' (0 but for {@link #BINARY}'s centroid). */
	public int bytesPerText(int dims) {
		return 0;
	}

	static void check(float[] vector, int dims) {
		if (vector.length != dims) {
			throw new IllegalArgumentException("token vectors of " + vector.length + " and " + dims + " dimensions");
		}
	}

	abstract void put(float[] vector, ByteBuffer out);

	/** The stored form of a text's token vectors, in token order (empty for a text without tokens). */
	public byte[] encode(float[][] vectors) {
		int dims = (vectors.length > 0) ? vectors[0].length : 0;
		ByteBuffer out = ByteBuffer.allocate(vectors.length * bytesPerToken(dims)).order(ByteOrder.LITTLE_ENDIAN);
		for (float[] vector : vectors) {
			check(vector, dims);
			put(vector, out);
		}
		return out.array();
	}

	/**
	 * How many tokens {@code data} holds.
	 * @throws IllegalArgumentException when it is not one text's header and whole tokens of {@code dims}
	 */
	public int tokens(byte[] data, int dims) {
		if (data.length == 0) {
			return 0;
		}
		int per = bytesPerToken(dims);
		int header = bytesPerText(dims);
		if (data.length <= header || (data.length - header) % per != 0) {
			throw new IllegalArgumentException(data.length + " bytes are not whole " + id() + " tokens of " + dims
					+ " dimensions (" + ((header > 0) ? header + " bytes a text, " : "") + per + " bytes a token)");
		}
		return (data.length - header) / per;
	}

	/** The name in APIs and the database: {@code float32}, {@code int8}, {@code binary}. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** @throws IllegalArgumentException for a name that is none of {@link #id()}'s */
	public static TokenEncoding parse(String value) {
		for (TokenEncoding encoding : values()) {
			if (encoding.id().equals(value)) {
				return encoding;
			}
		}
		throw new IllegalArgumentException("token vector encoding must be float32, int8 or binary; not '" + value + "'");
	}

}
