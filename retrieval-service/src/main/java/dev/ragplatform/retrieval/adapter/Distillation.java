package dev.ragplatform.retrieval.adapter;

import java.util.List;

/**
 * @param teacher {@code hybrid} (default) or {@code rerank} (hybrid reranked by rerank-service)
 * @param depth how many of the teacher's chunks each query learns from
 * @param rankTemperature the teacher's distribution: weight {@code exp(-rank / rankTemperature)}
 * @param objective {@code listwise} (default: KL to the teacher's rank distribution over its list) or
 * {@code pseudo-labels} (the teacher's first {@code positives} documents are the query's positives, trained as
 * labels are)
 * @param positives with {@code pseudo-labels}: how many of the teacher's first documents are positives (1)
 */
record Distillation(List<String> queries, String teacher, Integer depth, Double rankTemperature, String objective,
		Integer positives) {
}
