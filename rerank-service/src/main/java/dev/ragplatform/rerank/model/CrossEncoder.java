package dev.ragplatform.rerank.model;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtException;
import dev.ragplatform.runtime.batching.TokenBudgetBatcher;
import dev.ragplatform.rerank.config.RerankProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cross-encoder (ms-marco-MiniLM, bge-reranker, ...): each (query, passage) pair runs through the model as one
 * sequence and its output logit, through the descriptor's score function, is the relevance score.
 */
final class CrossEncoder implements Reranker {

	private static final Logger log = LoggerFactory.getLogger(CrossEncoder.class);

	private final ModelDescriptor descriptor;

	private final HuggingFaceTokenizer tokenizer;

	private final PairEncoder pairs;

	private final OnnxModel model;

	private final TokenBudgetBatcher<Encoded, Float> batcher;

	CrossEncoder(ModelDescriptor descriptor, HuggingFaceTokenizer tokenizer, OnnxModel model,
			RerankProperties.Batching batching, MeterRegistry meters) {
		this.descriptor = descriptor;
		this.tokenizer = tokenizer;
		this.pairs = new PairEncoder(tokenizer, descriptor.name(), descriptor.maxLength());
		this.model = model;
		long[] shape = model.outputShape();
		long columns = (shape.length >= 2) ? shape[shape.length - 1] : 1;
		if (columns > 0 && descriptor.outputIndex() >= columns) {
			throw new IllegalArgumentException(descriptor.name() + ": outputIndex " + descriptor.outputIndex()
					+ " is out of the output's " + columns + " columns");
		}
		this.batcher = new TokenBudgetBatcher<>("rag.rerank", descriptor.name(), this::logits, Encoded::tokens,
				batching.maxBatchTokens(), TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT,
				Math.max(batching.maxQueuedTokens(), batching.maxBatchTokens()), batching.workers(), meters);
	}

	@Override
	public ModelDescriptor descriptor() {
		return this.descriptor;
	}

	PairEncoder pairs() {
		return this.pairs;
	}

	@Override
	public Scores score(String query, List<String> documents, RerankOptions options) {
		PairEncoder.Pairs encoded = this.pairs.encode(query, documents, options.maxTokensPerDoc(), options.truncate());
		List<Float> logits = TokenBudgetBatcher.await(
				this.batcher.submit(encoded.pairs(), options.deadlineNanos(), false), options.deadlineNanos());
		ScoreFunction function = options.rawScores() ? ScoreFunction.RAW : this.descriptor.scoreFunction();
		float[] scores = new float[logits.size()];
		for (int i = 0; i < scores.length; i++) {
			scores[i] = function.apply(logits.get(i));
		}
		return new Scores(scores, encoded.tokens(), encoded.truncated());
	}

	/** One batch through the model: the logit of each pair, read from the descriptor's output column. */
	List<Float> logits(List<Encoded> batch) {
		return this.model.run(batch, (FloatBuffer output, long[] shape, int length) -> {
			int perRow = output.remaining() / batch.size();
			if (this.descriptor.outputIndex() >= perRow) {
				throw new IllegalStateException(this.descriptor.name() + ": outputIndex " + this.descriptor.outputIndex()
						+ " is out of the output's " + perRow + " values per pair");
			}
			List<Float> logits = new ArrayList<>(batch.size());
			for (int b = 0; b < batch.size(); b++) {
				logits.add(output.get(b * perRow + this.descriptor.outputIndex()));
			}
			return logits;
		});
	}

	@Override
	public void close() {
		this.batcher.close();
		this.tokenizer.close();
		try {
			this.model.close();
		}
		catch (OrtException ex) {
			log.warn("Closing {}: {}", this.descriptor.name(), ex.getMessage());
		}
	}

}
