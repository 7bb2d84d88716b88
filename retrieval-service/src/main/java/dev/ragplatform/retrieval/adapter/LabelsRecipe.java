package dev.ragplatform.retrieval.adapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.config.RetrievalProperties;

import org.springframework.stereotype.Component;

/**
 * Training from labels: each query's positives are the chunks of the documents it names; hard negatives are the
 * closest chunks of other documents under the unadapted query.
 */
@Component
class LabelsRecipe {

	private final TrainingChunks loader;

	private final QueryEmbedder embedder;

	private final int maxPositives;

	LabelsRecipe(TrainingChunks loader, QueryEmbedder embedder, RetrievalProperties properties) {
		this.loader = loader;
		this.embedder = embedder;
		this.maxPositives = properties.adapters().maxPositives();
	}

	TrainingSet prepare(Job job, Collection collection, String task, JobSettings settings, String field,
			List<LabelPair> pairs) {
		long t0 = System.nanoTime();
		job.phase("loading", 0, collection.chunkCount());
		TrainingChunks.Loaded loaded = this.loader.load(collection, field);
		Map<String, Object> metrics = new LinkedHashMap<>();
		metrics.put("loadSeconds", TrainingSet.seconds(t0));
		// one training query per distinct text, its targets merged; then documents → chunks
		Map<String, Set<String>> byQuery = new LinkedHashMap<>();
		for (LabelPair p : pairs) {
			byQuery.computeIfAbsent(p.query().strip(), (q) -> new LinkedHashSet<>()).addAll(p.targets());
		}
		List<String> texts = new ArrayList<>();
		List<int[]> positives = new ArrayList<>();
		int unmatched = 0;
		int capped = 0;
		Random sampler = new Random(settings.seed());
		for (var e : byQuery.entrySet()) {
			int[] chunks = loaded.chunksOf(e.getValue());
			if (chunks.length == 0) {
				unmatched++;
				continue;
			}
			if (chunks.length > this.maxPositives) {
				// a target shared by many documents (e.g. an API named by hundreds of solved examples): a sample
				chunks = Arrays.copyOf(TrainingSet.shuffledCopy(chunks, sampler), this.maxPositives);
				capped++;
			}
			texts.add(e.getKey());
			positives.add(chunks);
		}
		metrics.put("queries", byQuery.size());
		metrics.put("queriesWithoutMatchingDocuments", unmatched);
		metrics.put("queriesWithPositivesSampled", capped);
		if (texts.size() < 2) {
			throw new IllegalArgumentException("only " + texts.size() + " of " + byQuery.size() + " queries "
					+ "name a document of the collection by " + field + "; nothing to train on");
		}
		long t1 = System.nanoTime();
		float[][] vectors = this.embedder.embed(job, collection, task, texts);
		metrics.put("embedSeconds", TrainingSet.seconds(t1));
		int[] order = TrainingSet.shuffled(texts.size(), settings.seed());
		int held = settings.heldOut(texts.size());
		List<AdapterTrainer.Held> validation = new ArrayList<>();
		List<AdapterTrainer.Example> examples = new ArrayList<>();
		long t2 = System.nanoTime();
		job.phase("mining", 0, texts.size() - held);
		for (int i = 0; i < held; i++) {
			int q = order[i];
			validation.add(new AdapterTrainer.Held(vectors[q], loaded.documentsOf(positives.get(q))));
		}
		int[] train = Arrays.copyOfRange(order, held, order.length);
		int[][] negatives = TrainingSet.hardNegatives(job, loaded.chunks(), vectors, train, positives,
				settings.hardNegatives());
		for (int i = 0; i < train.length; i++) {
			int q = train[i];
			examples.add(new AdapterTrainer.Example(vectors[q], positives.get(q), negatives[i], new int[0],
					new double[0]));
		}
		metrics.put("mineSeconds", TrainingSet.seconds(t2));
		return new TrainingSet(loaded.chunks(), examples, validation, metrics);
	}

}
