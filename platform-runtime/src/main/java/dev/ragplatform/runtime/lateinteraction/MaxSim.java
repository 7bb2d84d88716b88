package dev.ragplatform.runtime.lateinteraction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ColBERT's MaxSim of one query against stored texts: for each query token the best dot product with any of the
 * text's tokens, averaged over the query's tokens (unit vectors: a score in [-1, 1]). The query stays in float;
 * the text is read in its stored {@link TokenEncoding}. Immutable once built, so one instance scores a query's
 * candidates from several threads.
 * <p>
 * Binary texts are scored as {@code q · c + max over tokens of (R q) · (a × sign(R r))} (c the text's centroid, r a
 * token's residual to it, R the {@link Rotation}) without unpacking a bit:
 * {@code (R q) · (a × sign(R r)) = a × (2 × Σ (R q)_i over set bits − Σ (R q)_i)},
 * and the sum over set bits is eight-dimension lookups in a table of 256 partial sums per byte position, built
 * once per query token ({@code dims × 32} floats).
 */
public final class MaxSim {

	private final float[][] query;

	private final int dims;

	/** The rotated query's lookup tables, built on the first binary text only: float and int8 texts never need them. */
	private volatile BinaryTables binaryTables;

	/** @param query the query's L2-normalised token vectors, at least one */
	public MaxSim(float[][] query) {
		if (query.length == 0) {
			throw new IllegalArgumentException("a query needs at least one token vector");
		}
		this.query = query;
		this.dims = query[0].length;
	}

	/** How many tokens the query has. */
	public int queryTokens() {
		return this.query.length;
	}

	/** The text's score: 0 for a text without tokens. */
	public float score(TokenEncoding encoding, byte[] text) {
		int tokens = encoding.tokens(text, this.dims);
		if (tokens == 0) {
			return 0f;
		}
		double total = switch (encoding) {
			case FLOAT32 -> floats(text, tokens);
			case INT8 -> int8(text, tokens);
			case BINARY -> binary(text, tokens);
		};
		return (float) (total / this.query.length);
	}

	private double floats(byte[] text, int tokens) {
		float[][] doc = new float[tokens][this.dims];
		ByteBuffer in = ByteBuffer.wrap(text).order(ByteOrder.LITTLE_ENDIAN);
		for (float[] vector : doc) {
			in.asFloatBuffer().get(vector);
			in.position(in.position() + 4 * this.dims);
		}
		double total = 0;
		for (float[] q : this.query) {
			float best = Float.NEGATIVE_INFINITY;
			for (float[] d : doc) {
				best = Math.max(best, dot(q, d));
			}
			total += best;
		}
		return total;
	}

	private double int8(byte[] text, int tokens) {
		int per = TokenEncoding.INT8.bytesPerToken(this.dims);
		ByteBuffer in = ByteBuffer.wrap(text).order(ByteOrder.LITTLE_ENDIAN);
		float[] scales = new float[tokens];
		for (int t = 0; t < tokens; t++) {
			scales[t] = in.getFloat(t * per);
		}
		double total = 0;
		for (float[] q : this.query) {
			float best = Float.NEGATIVE_INFINITY;
			for (int t = 0; t < tokens; t++) {
				int base = t * per + 4;
				float dot = 0;
				for (int d = 0; d < this.dims; d++) {
					dot += q[d] * text[base + d];
				}
				best = Math.max(best, dot * scales[t]);
			}
			total += best;
		}
		return total;
	}

	private double binary(byte[] text, int tokens) {
		int header = TokenEncoding.BINARY.bytesPerText(this.dims);
		int per = TokenEncoding.BINARY.bytesPerToken(this.dims);
		int bytes = per - 2;
		float centroidScale = ByteBuffer.wrap(text).order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
		float[] scales = new float[tokens];
		for (int t = 0; t < tokens; t++) {
			int at = header + t * per;
			scales[t] = Float.float16ToFloat((short) ((text[at] & 0xff) | (text[at + 1] << 8)));
		}
		BinaryTables tables = binaryTables();
		double total = 0;
		for (int q = 0; q < this.query.length; q++) {
			float[] vector = this.query[q];
			float[] table = tables.bitSums[q];
			float sum = tables.sums[q];
			// q · centroid, the same for every token of the text
			float centroid = 0;
			for (int d = 0; d < this.dims; d++) {
				centroid += vector[d] * text[4 + d];
			}
			float best = Float.NEGATIVE_INFINITY;
			for (int t = 0; t < tokens; t++) {
				int base = header + t * per + 2;
				float set = 0;
				for (int j = 0; j < bytes; j++) {
					set += table[(j << 8) | (text[base + j] & 0xff)];
				}
				best = Math.max(best, scales[t] * (2 * set - sum));
			}
			total += centroid * centroidScale + best;
		}
		return total;
	}

	private BinaryTables binaryTables() {
		BinaryTables tables = this.binaryTables;
		if (tables == null) {
			// a race builds the same tables twice, never different ones
			tables = new BinaryTables(this.query, this.dims);
			this.binaryTables = tables;
		}
		return tables;
	}

	private static float dot(float[] a, float[] b) {
		float dot = 0;
		for (int d = 0; d < a.length; d++) {
			dot += a[d] * b[d];
		}
		return dot;
	}

	/**
	 * Per query token, per byte position {@code j}: the sum of the rotated query's components at the set bits of each
	 * byte value ({@code bitSums}); and the sum of all its rotated components ({@code sums}).
	 */
	private record BinaryTables(float[][] bitSums, float[] sums) {

		BinaryTables(float[][] query, int dims) {
			this(new float[query.length][((dims + 7) / 8) * 256], new float[query.length]);
			int bytes = (dims + 7) / 8;
			for (int q = 0; q < query.length; q++) {
				float[] vector = Rotation.apply(query[q]);
				float[] table = this.bitSums[q];
				float sum = 0;
				for (float x : vector) {
					sum += x;
				}
				this.sums[q] = sum;
				for (int j = 0; j < bytes; j++) {
					int base = j * 256;
					for (int v = 1; v < 256; v++) {
						int low = Integer.numberOfTrailingZeros(v);
						int d = 8 * j + low;
						table[base + v] = table[base + (v & (v - 1))] + ((d < dims) ? vector[d] : 0f);
					}
				}
			}
		}

	}

}
