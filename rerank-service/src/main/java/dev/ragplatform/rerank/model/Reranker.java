package dev.ragplatform.rerank.model;

import java.util.List;

/** A loaded model that scores documents against a query. */
public sealed interface Reranker extends AutoCloseable permits CrossEncoder, LateInteractionReranker {

	ModelDescriptor descriptor();

	/**
	 * Scores every document against the query, batching with other requests' work.
	 * @throws QueryTooLongException when the query leaves no room for passages
	 * @throws DocumentTooLongException when a document is too long and {@code truncate} is off
	 * @throws dev.ragplatform.runtime.batching.QueueFullException when the queue has no room now
	 * @throws dev.ragplatform.runtime.batching.DeadlineExceededException when the deadline passes first
	 */
	Scores score(String query, List<String> documents, RerankOptions options);

	/** Stops the batching workers (waiting for running batches), then releases the tokenizer and ONNX session. */
	@Override
	void close();

}
