package dev.ragplatform.retrieval.adapter;

/**
 * A training job; unset numbers take {@code rag.retrieval.adapters.*}.
 * @param labels supervised: query → documents pairs
 * @param distillation unsupervised: queries ranked by a teacher
 * @param task the LLM-Embedder task its queries are embedded with (the collection's default when absent); the
 * adapter applies to searches of that task only
 * @param activate activate it when done, if it beats the unadapted baseline on the held-out queries
 */
record TrainRequest(String name, LabelSet labels, Distillation distillation, String task, Integer rank,
		Integer epochs, Integer batchSize, Double learningRate, Double weightDecay, Double temperature,
		Integer hardNegatives, Double validationFraction, Long seed, Boolean activate) {
}
