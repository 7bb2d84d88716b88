package dev.ragplatform.retrieval.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./rag bench adapter}: training time of an adapter on CPU, beside its peer in the same run, one exact
 * scoring pass of every training query against every chunk (what mining hard negatives costs, and what a single
 * epoch of full-softmax training would cost at the least). Synthetic data of the size: 30,000 labelled
 * queries over 30,000 chunks of 384 dimensions in 1,000 topics, where each query sits near the topic
 * <em>after</em> its own (so the unadapted ranking is poor and there is something to learn).
 */
public final class AdapterBenchmark {

	public static void main(String[] args) {
		int pairs = intArg(args, "--pairs", 30_000);
		int chunksN = intArg(args, "--chunks", 30_000);
		int dims = intArg(args, "--dims", 384);
		int rank = intArg(args, "--rank", 32);
		int epochs = intArg(args, "--epochs", 5);
		int topics = 1000;
		Random random = new Random(1);
		float[][] centres = new float[topics][];
		for (int t = 0; t < topics; t++) {
			centres[t] = gaussian(random, dims, 1.0);
		}
		float[][] vectors = new float[chunksN][];
		String[] docs = new String[chunksN];
		int[] index = new int[chunksN];
		int[] topicOf = new int[chunksN];
		List<List<Integer>> chunksOfTopic = new ArrayList<>();
		for (int t = 0; t < topics; t++) {
			chunksOfTopic.add(new ArrayList<>());
		}
		for (int c = 0; c < chunksN; c++) {
			int t = c % topics;
			vectors[c] = Vectors.normalized(add(centres[t], gaussian(random, dims, 0.6)));
			docs[c] = "doc" + c;
			topicOf[c] = t;
			chunksOfTopic.get(t).add(c);
		}
		ChunkVectors chunks = new ChunkVectors(vectors, docs, index);
		float[][] queries = new float[pairs][];
		int[][] positives = new int[pairs][];
		for (int q = 0; q < pairs; q++) {
			int t = random.nextInt(topics);
			queries[q] = Vectors.normalized(add(centres[(t + 1) % topics], gaussian(random, dims, 0.8)));
			positives[q] = chunksOfTopic.get(t).stream().mapToInt(Integer::intValue).toArray();
		}
		int held = 1000;
		System.out.printf("# bench adapter: %,d labelled queries, %,d chunks × %d dims, rank %d, %d epochs, %d cores%n%n",
				pairs, chunksN, dims, rank, epochs, Runtime.getRuntime().availableProcessors());

		long t0 = System.nanoTime();
		int[][] negatives = new int[pairs - held][];
		int blocks = (pairs - held + ChunkVectors.BLOCK - 1) / ChunkVectors.BLOCK;
		java.util.stream.IntStream.range(0, blocks).parallel().forEach((b) -> {
			int from = held + b * ChunkVectors.BLOCK;
			int to = Math.min(pairs, from + ChunkVectors.BLOCK);
			float[][] scores = chunks.scores(java.util.Arrays.copyOfRange(queries, from, to));
			for (int q = from; q < to; q++) {
				Set<Integer> pos = new java.util.HashSet<>();
				for (int c : positives[q]) {
					pos.add(c);
				}
				negatives[q - held] = chunks.topChunks(scores[q - from], 32, pos::contains);
			}
		});
		double mining = (System.nanoTime() - t0) / 1e9;

		List<AdapterTrainer.Example> examples = new ArrayList<>();
		for (int q = held; q < pairs; q++) {
			examples.add(new AdapterTrainer.Example(queries[q], positives[q], negatives[q - held], new int[0],
					new double[0]));
		}
		List<AdapterTrainer.Held> validation = new ArrayList<>();
		for (int q = 0; q < held; q++) {
			Set<Integer> docsOf = new java.util.HashSet<>();
			for (int c : positives[q]) {
				docsOf.add(chunks.documentOf[c]);
			}
			validation.add(new AdapterTrainer.Held(queries[q], docsOf));
		}
		AdapterTrainer trainer = new AdapterTrainer(chunks,
				new AdapterTrainer.Settings(rank, epochs, 64, 0.001, 0, 0.05, 42));
		long t1 = System.nanoTime();
		List<Double> epochSeconds = new ArrayList<>();
		long[] last = { t1 };
		AdapterTrainer.Result result = trainer.train(examples, validation, new AdapterTrainer.Listener() {
			@Override
			public void epoch(int epoch, int total, double loss, AdapterTrainer.Quality quality) {
				long now = System.nanoTime();
				epochSeconds.add((now - last[0]) / 1e9);
				last[0] = now;
				System.out.printf("epoch %d: loss %.4f, held-out nDCG@10 %.4f (%.1f s with validation)%n", epoch, loss,
						quality.ndcg10(), epochSeconds.getLast());
			}
		}, () -> false);
		double training = (System.nanoTime() - t1) / 1e9;
		System.out.println();
		System.out.println("| step | seconds | vs one exact scoring pass |");
		System.out.println("|---|---|---|");
		System.out.printf("| exact scoring pass (%,d queries × %,d chunks; = mining hard negatives) | %.1f | 1.00 |%n",
				pairs - held, chunksN, mining);
		System.out.printf("| training, %d epochs (%,d steps of 64, validation of %,d queries after each) | %.1f | %.2f |%n",
				epochSeconds.size(), epochSeconds.size() * ((examples.size() + 63) / 64), held, training,
				training / mining);
		System.out.printf("| mining + training | %.1f | %.2f |%n", mining + training, (mining + training) / mining);
		System.out.printf("%nheld-out nDCG@10: unadapted %.4f, adapted %.4f (best epoch %d)%n", result.baseline().ndcg10(),
				result.best().ndcg10(), result.bestEpoch());
	}

	private static float[] gaussian(Random random, int dims, double scale) {
		float[] v = new float[dims];
		for (int i = 0; i < dims; i++) {
			v[i] = (float) (random.nextGaussian() * scale / Math.sqrt(dims));
		}
		return v;
	}

	private static float[] add(float[] x, float[] y) {
		float[] out = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			out[i] = x[i] + y[i];
		}
		return out;
	}

	private static int intArg(String[] args, String name, int fallback) {
		for (int i = 0; i + 1 < args.length; i++) {
			if (args[i].equals(name)) {
				return Integer.parseInt(args[i + 1]);
			}
		}
		return fallback;
	}

}
