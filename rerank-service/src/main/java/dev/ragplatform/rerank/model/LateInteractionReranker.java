package dev.ragplatform.rerank.model;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OrtException;
import dev.ragplatform.runtime.lateinteraction.TokenRows;
import dev.ragplatform.runtime.batching.TokenBudgetBatcher;
import dev.ragplatform.rerank.config.RerankProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Late interaction (ColBERT's MaxSim) on a bi-encoder's token vectors: query and passages are encoded apart, each
 * token vector of {@code last_hidden_state} is L2-normalised, and a passage's score is the sum over the query's
 * tokens of the best dot product with any of the passage's tokens, divided by the number of query tokens when
 * {@code averageOverQueryTokens} (then a score in [-1, 1]).
 * <p>
 * Which tokens are scored: padding never; {@code [CLS]} on both sides, because in bge it is the text's trained
 * summary vector (so the score contains the bi-encoder's own query–passage similarity); {@code [SEP]} on neither
 * side, because its vector is much the same for every text and would add a near-constant term; the query
 * instruction's tokens neither: they shape the query tokens' vectors (context) but are the same for every query.
 * Queries are never truncated; passages are cut to the model's length (and {@code max_tokens_per_doc}).
 */
final class LateInteractionReranker implements Reranker {

	private static final Logger log = LoggerFactory.getLogger(LateInteractionReranker.class);

	private final ModelDescriptor descriptor;

	private final HuggingFaceTokenizer tokenizer;

	private final OnnxModel model;

	private final String queryInstruction;

	private final boolean averageOverQueryTokens;

	private final int singleSpecialTokens;

	private final TokenBudgetBatcher<Item, Result> batcher;

	LateInteractionReranker(ModelDescriptor descriptor, HuggingFaceTokenizer tokenizer, OnnxModel model,
			RerankProperties.LateInteraction settings, RerankProperties.Batching batching, MeterRegistry meters) {
		this.descriptor = descriptor;
		this.tokenizer = tokenizer;
		this.model = model;
		this.queryInstruction = settings.queryInstruction();
		this.averageOverQueryTokens = settings.averageOverQueryTokens();
		long[] sequences = tokenizer.encode("a").getSequenceIds();
		this.singleSpecialTokens = sequences.length - Tokenizers.count(sequences, 0);
		long[] shape = model.outputShape();
		if (shape.length != 3) {
			throw new IllegalArgumentException(descriptor.name() + ": late interaction needs token vectors "
					+ "[batch, tokens, width], the output is " + java.util.Arrays.toString(shape));
		}
		this.batcher = new TokenBudgetBatcher<>("rag.rerank", descriptor.name(), this::run,
				(item) -> item.sequence().tokens(), batching.maxBatchTokens(), TokenBudgetBatcher.NO_BATCH_SIZE_LIMIT,
				Math.max(batching.maxQueuedTokens(), batching.maxBatchTokens()), batching.workers(), meters);
	}

	@Override
	public ModelDescriptor descriptor() {
		return this.descriptor;
	}

	@Override
	public Scores score(String query, List<String> documents, RerankOptions options) {
		long deadline = options.deadlineNanos();
		Item queryItem = encodeQuery(query);
		// the query first, ahead of queued passages: this request's passages cannot be scored without it
		float[][] queryVectors = TokenBudgetBatcher.await(this.batcher.submit(List.of(queryItem), deadline, true),
				deadline).get(0).vectors();
		long tokens = queryItem.sequence().tokens();
		int truncated = 0;
		int allowed = this.descriptor.maxLength() - this.singleSpecialTokens;
		if (options.maxTokensPerDoc() != null) {
			allowed = Math.min(allowed, options.maxTokensPerDoc());
		}
		Encoding[] encodings = this.tokenizer.batchEncode(documents);
		List<Item> passages = new ArrayList<>(encodings.length);
		for (int i = 0; i < encodings.length; i++) {
			Encoding encoding = encodings[i];
			long[] sequences = encoding.getSequenceIds();
			int passageTokens = Tokenizers.count(sequences, 0);
			int[] keep;
			if (passageTokens > allowed) {
				if (!options.truncate()) {
					throw new DocumentTooLongException(i, passageTokens, allowed, this.descriptor.name());
				}
				keep = Tokenizers.keep(sequences, 0, allowed);
				truncated++;
			}
			else {
				keep = null;
			}
			Item passage = passage(encoding, keep, queryVectors);
			tokens += passage.sequence().tokens();
			passages.add(passage);
		}
		List<Result> results = TokenBudgetBatcher.await(this.batcher.submit(passages, deadline, false), deadline);
		float divisor = this.averageOverQueryTokens ? queryVectors.length : 1;
		float[] scores = new float[results.size()];
		for (int i = 0; i < scores.length; i++) {
			scores[i] = results.get(i).score() / divisor;
		}
		return new Scores(scores, tokens, truncated);
	}

	/** The query's unit token vectors, as {@link #score} computes them. */
	float[][] queryVectors(String query, long deadline) {
		return TokenBudgetBatcher.await(this.batcher.submit(List.of(encodeQuery(query)), deadline, true), deadline)
			.get(0)
			.vectors();
	}

	/** Each passage's scored unit token vectors (cut to the model's length), as {@link #score} computes them. */
	List<float[][]> passageVectors(List<String> passages, long deadline) {
		int allowed = this.descriptor.maxLength() - this.singleSpecialTokens;
		List<Item> items = new ArrayList<>(passages.size());
		for (Encoding encoding : this.tokenizer.batchEncode(passages)) {
			long[] sequences = encoding.getSequenceIds();
			int[] keep = (Tokenizers.count(sequences, 0) > allowed) ? Tokenizers.keep(sequences, 0, allowed) : null;
			items.add(passage(encoding, keep, null));
		}
		return TokenBudgetBatcher.await(this.batcher.submit(items, deadline, false), deadline)
			.stream()
			.map(Result::vectors)
			.toList();
	}

	/**
	 * The query with its instruction, scored at {@code [CLS]} and at its own tokens.
	 * @throws QueryTooLongException when it does not fit in the model
	 */
	Item encodeQuery(String query) {
		Encoding encoding = this.tokenizer.encode(this.queryInstruction + query);
		long[] ids = encoding.getIds();
		if (ids.length > this.descriptor.maxLength()) {
			throw new QueryTooLongException("the query has " + ids.length + " tokens (with the model's query "
					+ "instruction and special tokens); " + this.descriptor.name() + " takes at most "
					+ this.descriptor.maxLength() + " (queries are never truncated)");
		}
		long[] special = encoding.getSpecialTokenMask();
		CharSpan[] spans = encoding.getCharTokenSpans();
		int instructionChars = this.queryInstruction.length();
		boolean[] scored = new boolean[ids.length];
		for (int t = 0; t < ids.length; t++) {
			CharSpan span = (spans != null && t < spans.length) ? spans[t] : null;
			if (special[t] == 1 || span == null) {
				scored[t] = t == 0; // [CLS] yes, [SEP] no
			}
			else {
				scored[t] = span.getStart() >= instructionChars; // the instruction gives context, is not scored
			}
		}
		return new Item(new Encoded(ids, encoding.getTypeIds()), scored, null);
	}

	private static Item passage(Encoding encoding, int[] keep, float[][] query) {
		long[] ids = encoding.getIds();
		long[] types = encoding.getTypeIds();
		long[] special = encoding.getSpecialTokenMask();
		if (keep != null) {
			ids = Tokenizers.select(ids, keep);
			types = Tokenizers.select(types, keep);
			special = Tokenizers.select(special, keep);
		}
		boolean[] scored = new boolean[ids.length];
		for (int t = 0; t < ids.length; t++) {
			scored[t] = t == 0 || special[t] == 0;
		}
		return new Item(new Encoded(ids, types), scored, query);
	}

	/** One batch through the encoder: the query's token vectors, or a passage's MaxSim score against its query. */
	private List<Result> run(List<Item> batch) {
		List<Encoded> sequences = new ArrayList<>(batch.size());
		batch.forEach((item) -> sequences.add(item.sequence()));
		return this.model.run(sequences, (FloatBuffer hidden, long[] shape, int length) -> {
			int width = (int) shape[2];
			List<Result> results = new ArrayList<>(batch.size());
			for (int b = 0; b < batch.size(); b++) {
				Item item = batch.get(b);
				float[][] vectors = TokenRows.unit(hidden, b * length * width, item.scored(), width);
				results.add((item.query() == null) ? new Result(0, vectors)
						: new Result(maxSim(item.query(), vectors), null));
			}
			return results;
		});
	}

	/** ColBERT's MaxSim: the sum over query vectors of the largest dot product with any passage vector. */
	static float maxSim(float[][] query, float[][] passage) {
		if (passage.length == 0) {
			return 0f;
		}
		double sum = 0;
		for (float[] q : query) {
			float best = Float.NEGATIVE_INFINITY;
			for (float[] p : passage) {
				float dot = 0;
				for (int d = 0; d < q.length; d++) {
					dot += q[d] * p[d];
				}
				best = Math.max(best, dot);
			}
			sum += best;
		}
		return (float) sum;
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

	/**
	 * One sequence for the encoder.
	 * @param scored which positions take part in MaxSim
	 * @param query the query's unit token vectors to score a passage against; {@code null} for the query itself
	 */
	record Item(Encoded sequence, boolean[] scored, float[][] query) {
	}

	/** A passage's score, or the query's unit token vectors. */
	record Result(float score, float[][] vectors) {
	}

}
