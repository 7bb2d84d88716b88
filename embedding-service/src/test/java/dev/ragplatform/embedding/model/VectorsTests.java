package dev.ragplatform.embedding.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VectorsTests {

	@Test
	void matryoshkaTruncationKeepsThePrefixAndRenormalises() {
		float[] v = { 3, 4, 12 };
		Vectors.normalize(v);
		float[] cut = Vectors.truncate(v, 2, true);
		assertThat(cut).containsExactly(new float[] { 0.6f, 0.8f }, within(1e-6f));
		assertThat(Vectors.truncate(v, 3, true)).isSameAs(v);
		assertThat(Vectors.truncate(new float[] { 3, 4, 12 }, 2, false)).containsExactly(3f, 4f);
	}

	@Test
	void normalisingMakesUnitLengthAndLeavesZeroAlone() {
		float[] v = { 1, 2, 2 };
		Vectors.normalize(v);
		assertThat((double) v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).isCloseTo(1.0, within(1e-6));
		assertThat(v[0]).isCloseTo(1f / 3, within(1e-7f));
		float[] zero = { 0, 0 };
		Vectors.normalize(zero);
		assertThat(zero).containsExactly(0f, 0f);
	}

}
