package dev.ragplatform.runtime.lateinteraction;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class MaxSimTests {

	private static final int DIMS = 45; // not a multiple of 8: the last byte of a binary token is partial

	private final Random random = new Random(7);

	@Test
	void float32IsTheExactMaxSim() {
		float[][] query = units(5);
		float[][] text = units(9);
		float score = new MaxSim(query).score(TokenEncoding.FLOAT32, TokenEncoding.FLOAT32.encode(text));
		assertThat(score).isCloseTo(reference(query, text), within(1e-5f));
	}

	@Test
	void binaryIsTheMaxSimOfTheCentroidPlusTheScaledSignsOfEachRotatedResidual() {
		float[][] query = units(6);
		float[][] text = units(11);
		float[] centroid = new float[DIMS];
		for (float[] t : text) {
			for (int d = 0; d < DIMS; d++) {
				centroid[d] += t[d] / text.length;
			}
		}
		// the centroid as int8 stores it
		float max = 0;
		for (float x : centroid) {
			max = Math.max(max, Math.abs(x));
		}
		float[] storedCentroid = new float[DIMS];
		for (int d = 0; d < DIMS; d++) {
			storedCentroid[d] = Math.round(centroid[d] / (max / 127f)) * (max / 127f);
		}
		double expected = 0;
		for (float[] q : query) {
			float[] rotatedQuery = Rotation.apply(q);
			double best = Double.NEGATIVE_INFINITY;
			for (float[] t : text) {
				float[] residual = new float[DIMS];
				for (int d = 0; d < DIMS; d++) {
					residual[d] = t[d] - centroid[d];
				}
				float[] rotated = Rotation.apply(residual);
				double l1 = 0;
				double l2 = 0;
				for (int d = 0; d < DIMS; d++) {
					l1 += Math.abs(rotated[d]);
					l2 += residual[d] * residual[d]; // the rotation keeps the norm
				}
				float scale = Float.float16ToFloat(Float.floatToFloat16((float) (l2 / l1)));
				double estimate = 0;
				for (int d = 0; d < DIMS; d++) {
					estimate += rotatedQuery[d] * ((rotated[d] > 0) ? scale : -scale);
				}
				best = Math.max(best, estimate);
			}
			double onCentroid = 0;
			for (int d = 0; d < DIMS; d++) {
				onCentroid += q[d] * storedCentroid[d];
			}
			expected += onCentroid + best;
		}
		byte[] stored = TokenEncoding.BINARY.encode(text);
		assertThat(stored).hasSize(DIMS + 4 + text.length * TokenEncoding.BINARY.bytesPerToken(DIMS));
		float score = new MaxSim(query).score(TokenEncoding.BINARY, stored);
		assertThat(score).isCloseTo((float) (expected / query.length), within(1e-4f));
	}

	@Test
	void theRotationIsOrthogonalAndTheSameEveryTime() {
		float[] a = units(1)[0];
		float[] b = units(1)[0];
		float[] ra = Rotation.apply(a);
		float[] rb = Rotation.apply(b);
		assertThat(dot(ra, ra)).isCloseTo(1f, within(1e-5f));
		assertThat(dot(ra, rb)).isCloseTo(dot(a, b), within(1e-5f));
		assertThat(ra).isNotEqualTo(a).containsExactly(Rotation.apply(a));
	}

	@Test
	void theRotationOf384DimensionsIsPinned() {
		// stored binary token vectors depend on every entry of R: a change of seed or construction must fail here
		// (and come with a Flyway migration that clears them for the backfill)
		float[] first = new float[384];
		first[0] = 1;
		float[] column = Rotation.apply(first);
		assertThat(column[0]).isEqualTo(-0.034068495f);
		assertThat(column[1]).isEqualTo(0.023897184f);
		assertThat(column[383]).isEqualTo(0.0040013203f);
	}

	@Test
	void binaryEstimatesTheDotProductOfAQueryWithItsOwnTokenWithoutShrinkingIt() {
		// 384 dimensions, as bge-small's: the estimate of q · r for q along r is close to |r|, not 2/π of it
		Random local = new Random(3);
		int dims = 384;
		double ratio = 0;
		for (int trial = 0; trial < 20; trial++) {
			float[][] text = new float[8][dims];
			for (float[] t : text) {
				for (int d = 0; d < dims; d++) {
					t[d] = (float) local.nextGaussian() * ((d < 4) ? 8 : 1); // a few dominant dimensions, as bge's
				}
				normalise(t);
			}
			float[] query = text[0].clone();
			float withText = new MaxSim(new float[][] { query }).score(TokenEncoding.BINARY,
					TokenEncoding.BINARY.encode(text));
			ratio += withText / 20;
		}
		assertThat(ratio).as("self-similarity estimated from the signs").isBetween(0.85, 1.15);
	}

	@Test
	void int8IsCloseToFloat() {
		float[][] query = units(8);
		float[][] text = units(20);
		float score = new MaxSim(query).score(TokenEncoding.INT8, TokenEncoding.INT8.encode(text));
		assertThat(score).isCloseTo(reference(query, text), within(0.01f));
	}

	@ParameterizedTest
	@EnumSource(TokenEncoding.class)
	void aTextWithTheQuerysOwnTokensScoresOneAndAnotherTextLess(TokenEncoding encoding) {
		float[][] query = units(4);
		MaxSim maxSim = new MaxSim(query);
		float same = maxSim.score(encoding, encoding.encode(query));
		float other = maxSim.score(encoding, encoding.encode(units(4)));
		assertThat(other).isLessThan(same);
		if (encoding != TokenEncoding.BINARY) {
			assertThat(same).isCloseTo(1f, within(0.01f));
		}
	}

	@ParameterizedTest
	@EnumSource(TokenEncoding.class)
	void sizesAndTokenCounts(TokenEncoding encoding) {
		byte[] data = encoding.encode(units(3));
		assertThat(encoding.tokens(data, DIMS)).isEqualTo(3);
		assertThat(data).hasSize(encoding.bytesPerText(DIMS) + 3 * encoding.bytesPerToken(DIMS));
		assertThat(encoding.encode(new float[0][])).isEmpty();
		assertThat(new MaxSim(units(2)).score(encoding, new byte[0])).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> encoding.tokens(new byte[data.length - 1], DIMS))
			.withMessageContaining("not whole " + encoding.id() + " tokens");
	}

	@Test
	void bytesPerTokenAt384Dimensions() {
		assertThat(TokenEncoding.BINARY.bytesPerToken(384)).isEqualTo(50);
		assertThat(TokenEncoding.BINARY.bytesPerText(384)).as("a 300-token chunk in 16 KB").isEqualTo(388);
		assertThat(388 + 300 * 50).isLessThanOrEqualTo(16 * 1024);
		assertThat(TokenEncoding.INT8.bytesPerToken(384)).isEqualTo(388);
		assertThat(TokenEncoding.FLOAT32.bytesPerToken(384)).isEqualTo(1536);
	}

	@Test
	void parsesItsNames() {
		for (TokenEncoding encoding : TokenEncoding.values()) {
			assertThat(TokenEncoding.parse(encoding.id())).isEqualTo(encoding);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> TokenEncoding.parse("fp8"))
			.withMessageContaining("float32, int8 or binary");
	}

	private float[][] units(int count) {
		float[][] vectors = new float[count][DIMS];
		for (float[] vector : vectors) {
			double norm = 0;
			for (int d = 0; d < DIMS; d++) {
				vector[d] = (float) this.random.nextGaussian();
				norm += vector[d] * vector[d];
			}
			for (int d = 0; d < DIMS; d++) {
				vector[d] /= (float) Math.sqrt(norm);
			}
		}
		return vectors;
	}

	private static float dot(float[] a, float[] b) {
		float dot = 0;
		for (int d = 0; d < a.length; d++) {
			dot += a[d] * b[d];
		}
		return dot;
	}

	private static void normalise(float[] vector) {
		float norm = (float) Math.sqrt(dot(vector, vector));
		for (int d = 0; d < vector.length; d++) {
			vector[d] /= norm;
		}
	}

	private static float reference(float[][] query, float[][] text) {
		double total = 0;
		for (float[] q : query) {
			double best = Double.NEGATIVE_INFINITY;
			for (float[] t : text) {
				double dot = 0;
				for (int d = 0; d < q.length; d++) {
					dot += q[d] * t[d];
				}
				best = Math.max(best, dot);
			}
			total += best;
		}
		return (float) (total / query.length);
	}

}
