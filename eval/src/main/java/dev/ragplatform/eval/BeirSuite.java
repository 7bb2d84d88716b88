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

	Report.Result run(BeirDataset data, String collection, List<String> modes) throws Exception {
		JsonNode settings = this.platform.ensureCollection(collection);
		long ingestStarted = System.nanoTime();
		this.platform.ingest(collection, data.corpus().stream()
			.map((doc) -> new Platform.Submission(doc.id(), doc.title(), doc.body()))
			.toList());
		double ingestSeconds = (System.nanoTime() - ingestStarted) / 1e9;

		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
		for (String mode : modes) {
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
		details.put("queries", data.queries().size());
		details.put("ingestSeconds", Math.round(ingestSeconds * 10) / 10.0);
		return new Report.Result(data.name(), collection, settings, details, metrics, latency);
	}

}
