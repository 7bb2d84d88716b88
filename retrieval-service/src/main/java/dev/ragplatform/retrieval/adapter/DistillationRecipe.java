package dev.ragplatform.retrieval.adapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ragplatform.retrieval.collection.Collection;

import org.springframework.stereotype.Component;

/**
 * Training from a teacher's rankings: listwise (the whole ranking as a rank distribution) or pseudo-labels (the
 * teacher's first documents as positives). Hard negatives come from outside the teacher's list either way: its lower
 * picks are not wrong answers.
 */
@Component
class DistillationRecipe {

	private final TrainingChunks loader;

	private final QueryEmbedder embedder;

	private final TeacherRankings teacher;

	DistillationRecipe(TrainingChunks loader, QueryEmbedder embedder, TeacherRankings teacher) {
		this.loader = loader;
		this.embedder = embedder;
		this.teacher = teacher;
	}

	TrainingSet prepare(Job job, Collection collection, String task, JobSettings settings, List<String> queries) {
		long t0 = System.nanoTime();
		job.phase("loading", 0, collection.chunkCount());
		ChunkVectors chunks = this.loader.load(collection, null).chunks();
		Map<String, Object> metrics = new LinkedHashMap<>();
		metrics.put("loadSeconds", TrainingSet.seconds(t0));
		long t1 = System.nanoTime();
		job.phase("teacher", 0, queries.size());
		List<String> texts = new ArrayList<>();
		List<int[]> rankings = new ArrayList<>();
		for (int i = 0; i < queries.size(); i++) {
			job.checkCancelled();
			int[] ranked = this.teacher
				.ranking(collection, queries.get(i), task, settings.teacherDepth(), settings.teacherRerank())
				.stream()
				.mapToInt((c) -> chunks.chunk(c.documentId(), c.chunkIndex()))
				.filter((c) -> c >= 0)
				.toArray();
			if (ranked.length >= 2) {
				texts.add(queries.get(i));
				rankings.add(ranked);
			}
			job.phase("teacher", i + 1, queries.size());
		}
		metrics.put("teacherSeconds", TrainingSet.seconds(t1));
		metrics.put("queries", queries.size());
		metrics.put("queriesWithoutTeacherRanking", queries.size() - texts.size());
		if (texts.size() < 2) {
			throw new IllegalArgumentException("the teacher ranked too few chunks for the queries; nothing to train on");
		}
		long t2 = System.nanoTime();
		float[][] vectors = this.embedder.embed(job, collection, task, texts);
		metrics.put("embedSeconds", TrainingSet.seconds(t2));
		int[] order = TrainingSet.shuffled(texts.size(), settings.seed());
		int held = settings.heldOut(texts.size());
		List<AdapterTrainer.Held> validation = new ArrayList<>();
		for (int i = 0; i < held; i++) {
			int q = order[i];
			// relevant for validation: the teacher's first documents (with pseudo-labels, the ones trained as
			// positives, so that the job is judged on what it learns)
			int relevant = settings.pseudoLabels() ? settings.teacherPositives() : settings.teacherRelevant();
			Set<Integer> docs = new LinkedHashSet<>();
			for (int c : firstDocuments(rankings.get(q), chunks, relevant)) {
				docs.add(chunks.documentOf[c]);
			}
			validation.add(new AdapterTrainer.Held(vectors[q], docs));
		}
		int[] train = Arrays.copyOfRange(order, held, order.length);
		long t3 = System.nanoTime();
		job.phase("mining", 0, train.length);
		List<int[]> positives = settings.pseudoLabels()
				? rankings.stream().map((r) -> firstDocuments(r, chunks, settings.teacherPositives())).toList() : null;
		if (positives != null) {
			metrics.put("positiveChunksPerQuery",
					Math.round(positives.stream().mapToInt((p) -> p.length).average().orElse(0) * 100) / 100.0);
		}
		int[][] negatives = TrainingSet.hardNegatives(job, chunks, vectors, train, rankings, settings.hardNegatives());
		List<AdapterTrainer.Example> examples = new ArrayList<>();
		for (int i = 0; i < train.length; i++) {
			int q = train[i];
			examples.add(settings.pseudoLabels()
					? new AdapterTrainer.Example(vectors[q], positives.get(q), negatives[i], new int[0], new double[0])
					: new AdapterTrainer.Example(vectors[q], new int[0], negatives[i], rankings.get(q),
							rankDistribution(rankings.get(q).length, settings.teacherRankTemperature())));
		}
		metrics.put("mineSeconds", TrainingSet.seconds(t3));
		return new TrainingSet(chunks, examples, validation, metrics);
	}

	/** The teacher's ranking as a distribution: exp(-rank / temperature), normalised. */
	static double[] rankDistribution(int length, double temperature) {
		double[] p = new double[length];
		double sum = 0;
		for (int r = 0; r < length; r++) {
			p[r] = Math.exp(-r / temperature);
			sum += p[r];
		}
		for (int r = 0; r < length; r++) {
			p[r] /= sum;
		}
		return p;
	}

	/** The chunks of a ranking that belong to its first {@code documents} documents. */
	static int[] firstDocuments(int[] ranking, ChunkVectors chunks, int documents) {
		Set<Integer> first = new LinkedHashSet<>();
		List<Integer> picked = new ArrayList<>();
		for (int c : ranking) {
			int document = chunks.documentOf[c];
			if (first.contains(document) || first.size() < documents) {
				first.add(document);
				picked.add(c);
			}
		}
		return picked.stream().mapToInt(Integer::intValue).toArray();
	}

}
