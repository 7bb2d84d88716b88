package dev.ragplatform.rerank.model;

import java.util.List;

/**
 * The token vectors a late-interaction model scores, for comparing this service's re-encoding with MaxSim over
 * vectors stored at index time ({@code ./rag bench rerank}).
 */
public final class LateInteractionVectors {

	private LateInteractionVectors() {
	}

	/** Whether {@code reranker} is a late-interaction model. */
	public static boolean supports(Reranker reranker) {
		return reranker instanceof LateInteractionReranker;
	}

	/** The query's unit token vectors. */
	public static float[][] query(Reranker reranker, String query, long deadlineNanos) {
		return ((LateInteractionReranker) reranker).queryVectors(query, deadlineNanos);
	}

	/** Each passage's unit token vectors. */
	public static List<float[][]> passages(Reranker reranker, List<String> passages, long deadlineNanos) {
		return ((LateInteractionReranker) reranker).passageVectors(passages, deadlineNanos);
	}

}
