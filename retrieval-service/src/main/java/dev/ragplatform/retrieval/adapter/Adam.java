package dev.ragplatform.retrieval.adapter;

/** Adam (Kingma and Ba) with decoupled weight decay, on one flat parameter array. */
final class Adam {

	private final double learningRate;

	private final double weightDecay;

	private final double beta1 = 0.9;

	private final double beta2 = 0.999;

	private final double epsilon = 1e-8;

	private final double[] m;

	private final double[] v;

	private int step;

	Adam(int size, double learningRate, double weightDecay) {
		this.learningRate = learningRate;
		this.weightDecay = weightDecay;
		this.m = new double[size];
		this.v = new double[size];
	}

	/** One step on {@code params} with the (mean) gradient {@code grad}. */
	void step(float[] params, double[] grad) {
		this.step++;
		double c1 = 1 - Math.pow(this.beta1, this.step);
		double c2 = 1 - Math.pow(this.beta2, this.step);
		for (int i = 0; i < params.length; i++) {
			double g = grad[i];
			this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
			this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
			double update = (this.m[i] / c1) / (Math.sqrt(this.v[i] / c2) + this.epsilon);
			params[i] = (float) (params[i] - this.learningRate * (update + this.weightDecay * params[i]));
		}
	}

}
