package dev.ragplatform.retrieval.adapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Trains a {@link LowRankAdapter} on CPU with closed-form gradients and Adam: mini-batches of queries, each scored
 * against its candidates (positives, mined hard negatives and the other queries' positives for labels; the
 * teacher's list and mined negatives for distillation), early stopping on the held-out queries' nDCG@10.
 */
final class AdapterTrainer {

	/**
	 * @param rank r
	 * @param epochs at most this many passes over the training queries
	 * @param batchSize queries per step
	 * @param learningRate Adam's step size
	 * @param weightDecay decoupled weight decay
	 * @param temperature τ of the softmax over candidates
	 * @param seed for initialisation and shuffling
	 */
	record Settings(int rank, int epochs, int batchSize, double learningRate, double weightDecay, double temperature,
			long seed) {
	}

	/**
	 * One training query.
	 * @param query its (unadapted) vector
	 * @param positives chunks it should find (labels), else empty
	 * @param negatives mined hard negatives: close to the query, not positive, not in the teacher's list
	 * @param teacherChunks the teacher's chunks, best first (distillation), else empty
	 * @param teacher the teacher's distribution over {@code teacherChunks}
	 */
	record Example(float[] query, int[] positives, int[] negatives, int[] teacherChunks, double[] teacher) {
	}

	/** A held-out query and the documents (ordinals) that count as relevant for it. */
	record Held(float[] query, Set<Integer> relevant) {
	}

	/** Retrieval quality of held-out queries, documents ranked by their best chunk. */
	record Quality(double ndcg10, double recall10, double mrr10) {

		Map<String, Double> asMap() {
			Map<String, Double> m = new LinkedHashMap<>();
			m.put("nDCG@10", round(this.ndcg10));
			m.put("Recall@10", round(this.recall10));
			m.put("MRR@10", round(this.mrr10));
			return m;
		}

		private static double round(double v) {
			return Math.round(v * 10000) / 10000.0;
		}

	}

	/** Called after each epoch. */
	interface Listener {

		void epoch(int epoch, int epochs, double loss, Quality validation);

		default void step(int done, int total) {
		}

	}

	record Result(LowRankAdapter adapter, Quality baseline, Quality best, int bestEpoch, List<Double> losses) {
	}

	private final ChunkVectors chunks;

	private final Settings settings;

	AdapterTrainer(ChunkVectors chunks, Settings settings) {
		this.chunks = chunks;
		this.settings = settings;
	}

	Result train(List<Example> examples, List<Held> validation, Listener listener, BooleanSupplier cancelled) {
		int d = this.chunks.dims();
		int r = this.settings.rank();
		LowRankAdapter adapter = LowRankAdapter.initial(d, r, this.settings.seed());
		Adam adamA = new Adam(adapter.a.length, this.settings.learningRate(), this.settings.weightDecay());
		Adam adamB = new Adam(adapter.b.length, this.settings.learningRate(), this.settings.weightDecay());
		Quality baseline = quality(null, validation);
		Quality best = baseline;
		LowRankAdapter bestAdapter = adapter.copy();
		int bestEpoch = 0;
		List<Double> losses = new ArrayList<>();
		List<Example> order = new ArrayList<>(examples);
		Random random = new Random(this.settings.seed());
		int steps = (order.size() + this.settings.batchSize() - 1) / this.settings.batchSize();
		for (int epoch = 1; epoch <= this.settings.epochs(); epoch++) {
			Collections.shuffle(order, random);
			double lossSum = 0;
			for (int step = 0; step < steps; step++) {
				if (cancelled.getAsBoolean()) {
					throw new CancellationException("cancelled");
				}
				List<Example> batch = order.subList(step * this.settings.batchSize(),
						Math.min(order.size(), (step + 1) * this.settings.batchSize()));
				lossSum += step(adapter, batch, adamA, adamB) * batch.size();
				listener.step((epoch - 1) * steps + step + 1, this.settings.epochs() * steps);
			}
			double loss = lossSum / Math.max(1, order.size());
			losses.add(loss);
			Quality q = quality(adapter, validation);
			listener.epoch(epoch, this.settings.epochs(), loss, q);
			if (validation.isEmpty() || q.ndcg10() > best.ndcg10()) {
				best = q;
				bestAdapter = adapter.copy();
				bestEpoch = epoch;
			}
			else if (epoch - bestEpoch >= 2) {
				break; // two epochs without improvement on the held-out queries
			}
		}
		return new Result(bestAdapter, baseline, best, bestEpoch, losses);
	}

	/** One Adam step on a batch; returns the batch's mean loss. */
	double step(LowRankAdapter adapter, List<Example> batch, Adam adamA, Adam adamB) {
		double[] gradA = new double[adapter.a.length];
		double[] gradB = new double[adapter.b.length];
		Set<Integer> batchPositives = new LinkedHashSet<>();
		for (Example e : batch) {
			for (int p : e.positives()) {
				batchPositives.add(p);
			}
		}
		double loss = 0;
		double[] gOut = new double[adapter.dims];
		for (Example e : batch) {
			Arrays.fill(gOut, 0);
			LowRankAdapter.Forward f = adapter.forward(e.query());
			Candidates c = candidates(e, batchPositives);
			loss += Objective.loss(f.output(), c.vectors, c.positives, c.teacher, this.settings.temperature(), gOut);
			adapter.backward(f, gOut, gradA, gradB);
		}
		double scale = 1.0 / batch.size();
		for (int i = 0; i < gradA.length; i++) {
			gradA[i] *= scale;
		}
		for (int i = 0; i < gradB.length; i++) {
			gradB[i] *= scale;
		}
		adamA.step(adapter.a, gradA);
		adamB.step(adapter.b, gradB);
		return loss * scale;
	}

	private record Candidates(float[][] vectors, int positives, double[] teacher) {
	}

	private Candidates candidates(Example e, Set<Integer> batchPositives) {
		Set<Integer> ids = new LinkedHashSet<>();
		double[] teacher = null;
		int positives = 0;
		if (e.teacherChunks().length > 0) {
			for (int c : e.teacherChunks()) {
				ids.add(c);
			}
			for (int c : e.negatives()) {
				ids.add(c);
			}
			teacher = new double[ids.size()];
			System.arraycopy(e.teacher(), 0, teacher, 0, e.teacher().length);
		}
		else {
			for (int c : e.positives()) {
				ids.add(c);
			}
			positives = ids.size();
			for (int c : e.negatives()) {
				ids.add(c);
			}
			for (int c : batchPositives) {
				if (!isPositiveDocument(e, c)) {
					ids.add(c);
				}
			}
		}
		float[][] vectors = new float[ids.size()][];
		int i = 0;
		for (int c : ids) {
			vectors[i++] = this.chunks.vectors[c];
		}
		return new Candidates(vectors, positives, teacher);
	}

	private boolean isPositiveDocument(Example e, int chunk) {
		int doc = this.chunks.documentOf[chunk];
		for (int p : e.positives()) {
			if (this.chunks.documentOf[p] == doc) {
				return true;
			}
		}
		return false;
	}

	/** nDCG@10, Recall@10 and MRR@10 of held-out queries (binary relevance), with or without the adapter. */
	Quality quality(LowRankAdapter adapter, List<Held> held) {
		if (held.isEmpty()) {
			return new Quality(0, 0, 0);
		}
		int blocks = (held.size() + ChunkVectors.BLOCK - 1) / ChunkVectors.BLOCK;
		double[][] per = new double[held.size()][];
		IntStream.range(0, blocks).parallel().forEach((b) -> {
			int from = b * ChunkVectors.BLOCK;
			int to = Math.min(held.size(), from + ChunkVectors.BLOCK);
			float[][] queries = new float[to - from][];
			for (int i = from; i < to; i++) {
				queries[i - from] = (adapter != null) ? adapter.apply(held.get(i).query()) : held.get(i).query();
			}
			float[][] scores = this.chunks.scores(queries);
			for (int i = from; i < to; i++) {
				per[i] = metrics(this.chunks.topDocuments(scores[i - from], 10), held.get(i).relevant());
			}
		});
		double n = 0;
		double rec = 0;
		double mrr = 0;
		for (double[] p : per) {
			n += p[0];
			rec += p[1];
			mrr += p[2];
		}
		return new Quality(n / per.length, rec / per.length, mrr / per.length);
	}

	private static double[] metrics(int[] top, Set<Integer> relevant) {
		double dcg = 0;
		double rr = 0;
		int found = 0;
		for (int rank = 0; rank < top.length; rank++) {
			if (relevant.contains(top[rank])) {
				dcg += 1 / log2(rank + 2);
				found++;
				if (rr == 0) {
					rr = 1.0 / (rank + 1);
				}
			}
		}
		double ideal = 0;
		for (int rank = 0; rank < Math.min(10, relevant.size()); rank++) {
			ideal += 1 / log2(rank + 2);
		}
		return new double[] { dcg / ideal, (double) found / Math.min(10, relevant.size()), rr };
	}

	private static double log2(double x) {
		return Math.log(x) / Math.log(2);
	}

}
