package dev.ragplatform.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A BEIR dataset through the running platform: its corpus ingested over ingest-service's REST API into a
 * collection of its own (reused when a previous run indexed it: re-submitted documents are no-ops), then every
 * judged query searched in each mode over retrieval-service's REST API, scored with nDCG@10, Recall@100 and
 * MRR@10.
 */
final class BeirSuite {

	static final int DEPTH = 100;

	private final Platform platform;

	BeirSuite(Platform platform) {
		this.platform = platform;
	}

	Report.Result run(BeirDataset data, java.nio.file.Path dir, String collection, List<String> modes)
			throws Exception {
		JsonNode settings = this.platform.ensureCollection(collection);
		long ingestStarted = System.nanoTime();
		Platform.Ingested ingested = this.platform.ingest(collection, data.corpus().stream()
			.map((doc) -> new Platform.Submission(doc.id(), doc.title(), doc.body()))
			.toList());
		double ingestSeconds = (System.nanoTime() - ingestStarted) / 1e9;
		Map<String, Object> adapters = adapters(dir, collection, modes);

		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
		Map<String, Map<String, Map<String, Double>>> perQuery = new LinkedHashMap<>();
		for (String mode : modes) {
			Map<String, Map<String, Double>> byQuery = new LinkedHashMap<>();
			perQuery.put(mode, byQuery);
			Progress progress = new Progress("search " + mode, data.queries().size());
			List<Double> ndcg = new ArrayList<>();
			List<Double> recall = new ArrayList<>();
			List<Double> mrr = new ArrayList<>();
			List<Double> millis = new ArrayList<>();
			int done = 0;
			for (Map.Entry<String, String> query : data.queries().entrySet()) {
				// chunks of one document collapse into one result: ask for more chunks than documents needed
				Platform.Search search = this.platform.search(collection, query.getValue(), mode, DEPTH * 2);
				List<String> ranking = search.documents().subList(0, Math.min(DEPTH, search.documents().size()));
				Map<String, Integer> judged = data.qrels().get(query.getKey());
				ndcg.add(Metrics.ndcg(ranking, judged, 10));
				recall.add(Metrics.recall(ranking, judged, 100));
				mrr.add(Metrics.mrr(ranking, judged, 10));
				Map<String, Double> scores = new LinkedHashMap<>();
				scores.put("nDCG@10", ndcg.getLast());
				scores.put("Recall@100", recall.getLast());
				scores.put("MRR@10", mrr.getLast());
				byQuery.put(query.getKey(), Report.perQuery(scores, ranking, judged));
				millis.add(search.millis());
				progress.update(++done);
			}
			Map<String, Double> means = new LinkedHashMap<>();
			means.put("nDCG@10", Metrics.mean(ndcg));
			means.put("Recall@100", Metrics.mean(recall));
			means.put("MRR@10", Metrics.mean(mrr));
			metrics.put(mode, means);
			// on the log as soon as a mode is done: a run stopped later still leaves its finished modes
			System.err.printf("done %s: %s%n", mode, means);
			latency.put(mode, Report.percentiles(millis));
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("documents", data.corpus().size());
		// documents the platform refused (a BEIR corpus may hold some with neither title nor text): not indexed,
		// so never found; named in the report
		details.put("skipped", ingested.skipped().size());
		if (!ingested.skipped().isEmpty()) {
			details.put("skippedDocuments", ingested.skipped().entrySet().stream().limit(50)
				.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
						java.util.TreeMap::new)));
		}
		details.put("queries", data.queries().size());
		details.put("ingestSeconds", Math.round(ingestSeconds * 10) / 10.0);
		if (!adapters.isEmpty()) {
			details.put("adapters", adapters);
		}
		return new Report.Result(data.name(), collection, settings, details, metrics, latency, perQuery);
	}

	/**
	 * The adapters the modes name ({@code dense@labels}, {@code dense@distill}), trained on the dataset's
	 * {@code train} split: {@code labels} from its judgments (query → relevant documents by external id),
	 * {@code distill} from its queries alone, ranked by hybrid search as the teacher ({@code distill-pseudo}: its first
	 * document as the positive). Never on the evaluated split.
	 * Any other name evaluates a ready adapter of that name that was trained before (e.g. with other settings).
	 */
	private Map<String, Object> adapters(java.nio.file.Path dir, String collection, List<String> modes)
			throws Exception {
		Map<String, Object> trained = new LinkedHashMap<>();
		List<String> keys = modes.stream().filter((m) -> m.contains("@")).map((m) -> m.substring(m.indexOf('@') + 1))
			.distinct().toList();
		if (keys.isEmpty()) {
			return trained;
		}
		BeirDataset train = BeirDataset.load(dir, "train");
		for (String key : keys) {
			Map<String, Object> request = switch (key) {
				case "labels" -> {
					List<Map<String, Object>> pairs = new ArrayList<>();
					train.qrels().forEach((queryId, judged) -> {
						List<String> relevant = judged.entrySet().stream().filter((e) -> e.getValue() > 0)
							.map(Map.Entry::getKey).toList();
						if (!relevant.isEmpty() && train.queries().containsKey(queryId)) {
							pairs.add(Map.of("query", train.queries().get(queryId), "targets", relevant));
						}
					});
					yield Map.of("labels", Map.of("targetField", "externalId", "pairs", pairs));
				}
				case "distill" -> Map.of("distillation",
						Map.of("teacher", "hybrid", "queries", List.copyOf(train.queries().values())));
				// the teacher's first document as each query's positive, trained as labels are
				case "distill-pseudo" -> Map.of("distillation", Map.of("teacher", "hybrid", "objective",
						"pseudo-labels", "queries", List.copyOf(train.queries().values())));
				default -> null; // any other name: a ready adapter of that name, trained before
			};
			if (request == null) {
				JsonNode state = this.platform.existingAdapter(collection, key);
				trained.put(key, Map.of("id", state.path("id").asString(), "metrics", state.path("metrics"),
						"settings", state.path("settings")));
				continue;
			}
			JsonNode state = this.platform.trainAdapter(collection, key, "eval-" + key, request);
			trained.put(key, Map.of("id", state.path("id").asString(), "metrics", state.path("metrics"),
					"settings", state.path("settings")));
		}
		return trained;
	}

}
