package dev.ragplatform.retrieval.adapter;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * What a recipe hands to training: the chunks, the training examples, the held-out queries and the metrics so far.
 * Its static helpers are the steps both recipes share.
 */
record TrainingSet(ChunkVectors chunks, List<AdapterTrainer.Example> examples, List<AdapterTrainer.Held> validation,
		Map<String, Object> metrics) {

	/** For each training query, the closest chunks of documents that none of its {@code excluded} chunks belong to. */
	static int[][] hardNegatives(Job job, ChunkVectors chunks, float[][] vectors, int[] train, List<int[]> excluded,
			int count) {
		int[][] negatives = new int[train.length][];
		if (count == 0) {
			Arrays.fill(negatives, new int[0]);
			return negatives;
		}
		AtomicInteger done = new AtomicInteger();
		int blocks = (train.length + ChunkVectors.BLOCK - 1) / ChunkVectors.BLOCK;
		IntStream.range(0, blocks).parallel().forEach((b) -> {
			if (job.isCancelled()) {
				return;
			}
			int from = b * ChunkVectors.BLOCK;
			int to = Math.min(train.length, from + ChunkVectors.BLOCK);
			float[][] queries = new float[to - from][];
			for (int i = from; i < to; i++) {
				queries[i - from] = vectors[train[i]];
			}
			float[][] scores = chunks.scores(queries);
			for (int i = from; i < to; i++) {
				// never a chunk of a positive document (labels) or of a document the teacher ranked (distillation)
				Set<Integer> excludedDocs = new HashSet<>();
				for (int c : excluded.get(train[i])) {
					excludedDocs.add(chunks.documentOf[c]);
				}
				negatives[i] = chunks.topChunks(scores[i - from], count,
						(c) -> excludedDocs.contains(chunks.documentOf[c]));
			}
			job.phase("mining", done.addAndGet(to - from), train.length);
		});
		job.checkCancelled();
		return negatives;
	}

	static int[] shuffledCopy(int[] values, Random random) {
		int[] copy = values.clone();
		for (int i = copy.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = copy[i];
			copy[i] = copy[j];
			copy[j] = t;
		}
		return copy;
	}

	/** 0 … n-1 in a seeded order (the same order Collections.shuffle gives with that seed). */
	static int[] shuffled(int n, long seed) {
		return shuffledCopy(IntStream.range(0, n).toArray(), new Random(seed));
	}

	static double seconds(long startNanos) {
		return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
	}

}
