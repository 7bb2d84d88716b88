package dev.ragplatform.retrieval.adapter;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * A collection's chunk vectors in memory, for training: exact scores of a query against every chunk, the best
 * chunks, and documents ranked by their best chunk (as search aggregates them).
 */
final class ChunkVectors {

	final float[][] vectors;

	/** Document ordinal of each chunk. */
	final int[] documentOf;

	final List<String> documentIds;

	/** The chunks of each document ordinal. */
	final int[][] chunksOfDocument;

	private final Map<String, Integer> chunkByKey;

	ChunkVectors(float[][] vectors, String[] documentIdOfChunk, int[] chunkIndexes) {
		this.vectors = vectors;
		this.documentOf = new int[vectors.length];
		Map<String, Integer> documents = new HashMap<>();
		this.chunkByKey = new HashMap<>(vectors.length * 2);
		java.util.ArrayList<String> ids = new java.util.ArrayList<>();
		for (int c = 0; c < vectors.length; c++) {
			String doc = documentIdOfChunk[c];
			Integer ordinal = documents.get(doc);
			if (ordinal == null) {
				ordinal = ids.size();
				documents.put(doc, ordinal);
				ids.add(doc);
			}
			this.documentOf[c] = ordinal;
			this.chunkByKey.put(key(doc, chunkIndexes[c]), c);
		}
		this.documentIds = List.copyOf(ids);
		int[] counts = new int[ids.size()];
		for (int d : this.documentOf) {
			counts[d]++;
		}
		this.chunksOfDocument = new int[ids.size()][];
		for (int d = 0; d < counts.length; d++) {
			this.chunksOfDocument[d] = new int[counts[d]];
			counts[d] = 0;
		}
		for (int c = 0; c < vectors.length; c++) {
			int d = this.documentOf[c];
			this.chunksOfDocument[d][counts[d]++] = c;
		}
	}

	static String key(String documentId, int chunkIndex) {
		return documentId + '\u0000' + chunkIndex;
	}

	/** The chunk's position here, or -1. */
	int chunk(String documentId, int chunkIndex) {
		return this.chunkByKey.getOrDefault(key(documentId, chunkIndex), -1);
	}

	int size() {
		return this.vectors.length;
	}

	int documents() {
		return this.documentIds.size();
	}

	int dims() {
		return (this.vectors.length > 0) ? this.vectors[0].length : 0;
	}

	/** Queries scored together: each chunk vector is read once per block, not once per query. */
	static final int BLOCK = 16;

	/**
	 * Scores of a block of queries against every chunk, {@code [query][chunk]}. Chunk-major, so memory traffic is
	 * one pass over the chunks per block rather than per query.
	 */
	float[][] scores(float[][] queries) {
		float[][] scores = new float[queries.length][this.vectors.length];
		for (int c = 0; c < this.vectors.length; c++) {
			float[] v = this.vectors[c];
			for (int q = 0; q < queries.length; q++) {
				scores[q][c] = (float) Vectors.dot(queries[q], v);
			}
		}
		return scores;
	}

	/** The {@code k} chunks with the highest of {@code scores}, best first, skipping {@code excluded}. */
	int[] topChunks(float[] scores, int k, IntPredicate excluded) {
		int[] heap = new int[k];
		double[] heapScores = new double[k];
		int size = 0;
		for (int c = 0; c < scores.length; c++) {
			if (excluded.test(c)) {
				continue;
			}
			double s = scores[c];
			if (size < k) {
				heap[size] = c;
				heapScores[size] = s;
				siftUp(heap, heapScores, size++);
			}
			else if (s > heapScores[0]) {
				heap[0] = c;
				heapScores[0] = s;
				siftDown(heap, heapScores, size);
			}
		}
		Integer[] order = new Integer[size];
		for (int i = 0; i < size; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (x, y) -> Double.compare(heapScores[y], heapScores[x]));
		int[] result = new int[size];
		for (int i = 0; i < size; i++) {
			result[i] = heap[order[i]];
		}
		return result;
	}

	/** The {@code k} best documents (by their best chunk), as document ordinals, best first. */
	int[] topDocuments(float[] scores, int k) {
		double[] best = new double[documents()];
		Arrays.fill(best, Double.NEGATIVE_INFINITY);
		for (int c = 0; c < scores.length; c++) {
			double s = scores[c];
			int d = this.documentOf[c];
			if (s > best[d]) {
				best[d] = s;
			}
		}
		Integer[] top = new Integer[Math.min(k, best.length)];
		// partial selection: k is small
		boolean[] taken = new boolean[best.length];
		for (int i = 0; i < top.length; i++) {
			int arg = -1;
			for (int d = 0; d < best.length; d++) {
				if (!taken[d] && (arg < 0 || best[d] > best[arg])) {
					arg = d;
				}
			}
			taken[arg] = true;
			top[i] = arg;
		}
		return Arrays.stream(top).mapToInt(Integer::intValue).toArray();
	}

	private static void siftUp(int[] heap, double[] scores, int i) {
		while (i > 0) {
			int parent = (i - 1) / 2;
			if (scores[parent] <= scores[i]) {
				return;
			}
			swap(heap, scores, i, parent);
			i = parent;
		}
	}

	private static void siftDown(int[] heap, double[] scores, int size) {
		int i = 0;
		while (true) {
			int l = 2 * i + 1;
			int r = l + 1;
			int min = i;
			if (l < size && scores[l] < scores[min]) {
				min = l;
			}
			if (r < size && scores[r] < scores[min]) {
				min = r;
			}
			if (min == i) {
				return;
			}
			swap(heap, scores, i, min);
			i = min;
		}
	}

	private static void swap(int[] heap, double[] scores, int i, int j) {
		int h = heap[i];
		heap[i] = heap[j];
		heap[j] = h;
		double s = scores[i];
		scores[i] = scores[j];
		scores[j] = s;
	}

}
