package dev.ragplatform.retrieval.adapter;

import java.util.List;

/**
 * Where distillation gets its teacher's rankings: search provides them (hybrid without any adapter, reranked when
 * asked), so adapter training needs nothing of the search package but this.
 */
public interface Teacher {

	/**
	 * The teacher's ranking of a query's chunks, best first; a failed rerank is an error, not a silent fallback.
	 */
	List<ChunkRef> ranking(String collection, String query, String task, int depth, boolean rerank);

	/** A chunk by its key. */
	record ChunkRef(String documentId, int chunkIndex) {
	}

}
