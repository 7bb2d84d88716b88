package dev.ragplatform.retrieval.adapter;

/**
 * Softmax losses over a query's candidate chunks, scored {@code s_j = q'·c_j / τ}.
 * <ul>
 * <li>Contrastive (InfoNCE with several positives): {@code L = logsumexp(s) − logsumexp(s_pos)}; the gradient
 * with respect to {@code s_j} is {@code p_j − r_j}, {@code p} the softmax over all candidates and {@code r} the
 * softmax over the positives alone (zero elsewhere).</li>
 * <li>Listwise distillation: {@code L = KL(t ‖ p) = Σ t_j log(t_j / p_j)} for the teacher's distribution
 * {@code t}; the gradient with respect to {@code s_j} is {@code p_j − t_j}.</li>
 * </ul>
 * Both give {@code ∂L/∂q' = Σ_j (p_j − target_j) c_j / τ}.
 */
final class Objective {

	private Objective() {
	}

	/**
	 * The loss of one query, adding {@code ∂L/∂q'} to {@code gradOut}.
	 * @param query the adapted query vector
	 * @param candidates the candidates' vectors
	 * @param positives how many of the first candidates are positives (contrastive), or 0 when {@code teacher} is
	 * given
	 * @param teacher the teacher's distribution over the candidates (sums to 1), or null
	 * @param temperature τ
	 */
	static double loss(float[] query, float[][] candidates, int positives, double[] teacher, double temperature,
			double[] gradOut) {
		int n = candidates.length;
		double[] s = new double[n];
		double max = Double.NEGATIVE_INFINITY;
		for (int j = 0; j < n; j++) {
			s[j] = Vectors.dot(query, candidates[j]) / temperature;
			max = Math.max(max, s[j]);
		}
		double sum = 0;
		double[] p = new double[n];
		for (int j = 0; j < n; j++) {
			p[j] = Math.exp(s[j] - max);
			sum += p[j];
		}
		double logZ = max + Math.log(sum);
		for (int j = 0; j < n; j++) {
			p[j] /= sum;
		}
		double[] target = new double[n];
		double loss;
		if (teacher != null) {
			loss = 0;
			for (int j = 0; j < n; j++) {
				target[j] = teacher[j];
				if (teacher[j] > 0) {
					loss += teacher[j] * (Math.log(teacher[j]) - (s[j] - logZ));
				}
			}
		}
		else {
			double posMax = Double.NEGATIVE_INFINITY;
			for (int j = 0; j < positives; j++) {
				posMax = Math.max(posMax, s[j]);
			}
			double posSum = 0;
			for (int j = 0; j < positives; j++) {
				target[j] = Math.exp(s[j] - posMax);
				posSum += target[j];
			}
			for (int j = 0; j < positives; j++) {
				target[j] /= posSum;
			}
			loss = logZ - (posMax + Math.log(posSum));
		}
		int d = query.length;
		for (int j = 0; j < n; j++) {
			double w = (p[j] - target[j]) / temperature;
			if (w != 0) {
				float[] c = candidates[j];
				for (int i = 0; i < d; i++) {
					gradOut[i] += w * c[i];
				}
			}
		}
		return loss;
	}

}
