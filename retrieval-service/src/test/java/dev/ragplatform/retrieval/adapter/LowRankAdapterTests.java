package dev.ragplatform.retrieval.adapter;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Closed-form gradients of both losses through the adapter, checked against central finite differences. */
class LowRankAdapterTests {

	static final int DIMS = 24;

	static final int RANK = 4;

	static final double TEMPERATURE = 0.2;

	final Random random = new Random(7);

	@ParameterizedTest
	@ValueSource(strings = { "contrastive", "distillation" })
	void gradientsMatchFiniteDifferences(String kind) {
		LowRankAdapter adapter = LowRankAdapter.initial(DIMS, RANK, 3);
		for (int i = 0; i < adapter.b.length; i++) {
			adapter.b[i] = (float) (this.random.nextGaussian() * 0.3); // so A's gradient is not zero
		}
		float[] query = unit(DIMS);
		float[][] candidates = new float[7][];
		for (int j = 0; j < candidates.length; j++) {
			candidates[j] = unit(DIMS);
		}
		int positives = kind.equals("contrastive") ? 2 : 0;
		double[] teacher = kind.equals("contrastive") ? null : new double[] { 0.4, 0.25, 0.15, 0.1, 0.05, 0.05, 0 };

		double[] gradA = new double[adapter.a.length];
		double[] gradB = new double[adapter.b.length];
		double[] gOut = new double[DIMS];
		LowRankAdapter.Forward f = adapter.forward(query);
		Objective.loss(f.output(), candidates, positives, teacher, TEMPERATURE, gOut);
		adapter.backward(f, gOut, gradA, gradB);

		for (int t = 0; t < 25; t++) {
			int i = this.random.nextInt(adapter.a.length);
			assertThat(gradA[i]).as("dL/dA[%d]", i)
				.isCloseTo(numeric(adapter, adapter.a, i, query, candidates, positives, teacher), within(2e-3));
			int k = this.random.nextInt(adapter.b.length);
			assertThat(gradB[k]).as("dL/dB[%d]", k)
				.isCloseTo(numeric(adapter, adapter.b, k, query, candidates, positives, teacher), within(2e-3));
		}
		assertThat(java.util.Arrays.stream(gradA).map(Math::abs).max().orElseThrow()).isGreaterThan(1e-3);
	}

	@Test
	void startsAsTheIdentityAndRoundTripsThroughBytes() {
		LowRankAdapter adapter = LowRankAdapter.initial(DIMS, RANK, 1);
		float[] q = unit(DIMS);
		assertThat(adapter.apply(q)).containsExactly(q, org.assertj.core.data.Offset.offset(1e-6f));
		adapter.b[5] = 0.5f;
		LowRankAdapter copy = LowRankAdapter.fromBytes(DIMS, RANK, adapter.toBytes());
		assertThat(copy.a).containsExactly(adapter.a);
		assertThat(copy.b).containsExactly(adapter.b);
		assertThat(copy.apply(q)).containsExactly(adapter.apply(q));
		float[] out = copy.apply(q);
		assertThat(Vectors.dot(out, out)).isCloseTo(1.0, within(1e-5));
	}

	@Test
	void aStepOfTrainingLowersTheContrastiveLoss() {
		LowRankAdapter adapter = LowRankAdapter.initial(DIMS, RANK, 2);
		float[] query = unit(DIMS);
		float[][] candidates = { unit(DIMS), unit(DIMS), unit(DIMS), unit(DIMS) };
		double before = loss(adapter, query, candidates, 1, null);
		Adam a = new Adam(adapter.a.length, 0.05, 0);
		Adam b = new Adam(adapter.b.length, 0.05, 0);
		for (int step = 0; step < 20; step++) {
			double[] gradA = new double[adapter.a.length];
			double[] gradB = new double[adapter.b.length];
			double[] gOut = new double[DIMS];
			LowRankAdapter.Forward f = adapter.forward(query);
			Objective.loss(f.output(), candidates, 1, null, TEMPERATURE, gOut);
			adapter.backward(f, gOut, gradA, gradB);
			a.step(adapter.a, gradA);
			b.step(adapter.b, gradB);
		}
		assertThat(loss(adapter, query, candidates, 1, null)).isLessThan(before * 0.5);
	}

	private double numeric(LowRankAdapter adapter, float[] weights, int i, float[] query, float[][] candidates,
			int positives, double[] teacher) {
		float saved = weights[i];
		double h = 1e-2;
		weights[i] = (float) (saved + h);
		double plus = loss(adapter, query, candidates, positives, teacher);
		weights[i] = (float) (saved - h);
		double minus = loss(adapter, query, candidates, positives, teacher);
		weights[i] = saved;
		return (plus - minus) / (2 * h);
	}

	private static double loss(LowRankAdapter adapter, float[] query, float[][] candidates, int positives,
			double[] teacher) {
		return Objective.loss(adapter.apply(query), candidates, positives, teacher, TEMPERATURE,
				new double[query.length]);
	}

	private float[] unit(int dims) {
		float[] v = new float[dims];
		for (int i = 0; i < dims; i++) {
			v[i] = (float) this.random.nextGaussian();
		}
		return Vectors.normalized(v);
	}

}
