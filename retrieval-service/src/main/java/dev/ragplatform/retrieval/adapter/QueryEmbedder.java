package dev.ragplatform.retrieval.adapter;

import java.util.List;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.Distance;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.embedding.EmbeddingClient;

import org.springframework.stereotype.Component;

/** Embeds a job's training queries in batches (normalised for cosine collections), reporting progress. */
@Component
class QueryEmbedder {

	private final EmbeddingClient embeddings;

	private final int batch;

	QueryEmbedder(EmbeddingClient embeddings, RetrievalProperties properties) {
		this.embeddings = embeddings;
		this.batch = properties.adapters().embedBatchSize();
	}

	float[][] embed(Job job, Collection collection, String task, List<String> texts) {
		job.phase("embedding", 0, texts.size());
		float[][] vectors = new float[texts.size()][];
		for (int from = 0; from < texts.size(); from += this.batch) {
			job.checkCancelled();
			List<String> part = texts.subList(from, Math.min(texts.size(), from + this.batch));
			List<float[]> embedded = this.embeddings.embedQueries(collection.embeddingModel(), task, part);
			for (int i = 0; i < part.size(); i++) {
				float[] v = embedded.get(i);
				vectors[from + i] = (collection.distance() == Distance.COSINE) ? Vectors.normalized(v) : v;
			}
			job.phase("embedding", Math.min(texts.size(), from + this.batch), texts.size());
		}
		return vectors;
	}

}
