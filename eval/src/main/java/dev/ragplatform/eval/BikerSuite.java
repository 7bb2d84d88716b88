package dev.ragplatform.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * BIKER (Java API recommendation) through the running platform: the JDK's own API documentation, imported by
 * ingest-service's Java API source connector from a JDK {@code lib/src.zip}, searched with each test question;
 * results rank APIs ({@code package.Class.method}: overloads count once, at their best rank). Scored with
 * SuccessRate@1/3/5/10, MRR and MAP. Retrieval-only mode retrieves no solved examples, so the near-copy filter
 * of the training pool has nothing to remove; the report says so.
 */
final class BikerSuite {

	static final int DEPTH = 100;

	private final Platform platform;

	BikerSuite(Platform platform) {
		this.platform = platform;
	}

	Report.Result run(Path queriesCsv, Path jdkSources, List<String> modules, String collection, List<String> modes)
			throws Exception {
		List<Query> queries = load(queriesCsv);
		JsonNode settings = this.platform.ensureCollection(collection);
		long started = System.nanoTime();
		JsonNode imported = this.platform.importJavaSources(collection, jdkSources.toString(), modules);
		long documents = imported.path("submitted").asLong() + imported.path("unchanged").asLong();
		this.platform.awaitIndexed(collection, documents);
		double ingestSeconds = (System.nanoTime() - started) / 1e9;

		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
		for (String mode : modes) {
			Progress progress = new Progress("search " + mode, queries.size());
			Map<String, List<Double>> values = new LinkedHashMap<>(); // in report order
			List<Double> millis = new ArrayList<>();
			int done = 0;
			for (Query query : queries) {
				Platform.Search search = this.platform.search(collection, query.title(), mode, DEPTH * 2,
						(result) -> result.path("metadata").path("api").asString(null));
				List<String> ranking = search.documents().subList(0, Math.min(DEPTH, search.documents().size()));
				Map<String, Integer> judged = new LinkedHashMap<>();
				query.answers().forEach((a) -> judged.put(a, 1));
				for (int k : new int[] { 1, 3, 5, 10 }) {
					values.computeIfAbsent("SuccessRate@" + k, (n) -> new ArrayList<>())
						.add(Metrics.success(ranking, judged, k));
				}
				values.computeIfAbsent("MRR", (n) -> new ArrayList<>()).add(Metrics.mrr(ranking, judged, DEPTH));
				values.computeIfAbsent("MAP", (n) -> new ArrayList<>()).add(Metrics.averagePrecision(ranking, judged));
				millis.add(search.millis());
				progress.update(++done);
			}
			Map<String, Double> means = new LinkedHashMap<>();
			values.forEach((name, list) -> means.put(name, Metrics.mean(list)));
			metrics.put(mode, means);
			latency.put(mode, Report.percentiles(millis));
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("queries", queries.size());
		details.put("apiDocuments", documents);
		details.put("modules", modules);
		details.put("jdkSources", jdkSources.toString());
		details.put("nearCopiesRemoved", "0 (retrieval-only mode uses no solved examples)");
		details.put("ingestSeconds", Math.round(ingestSeconds * 10) / 10.0);
		return new Report.Result("biker", collection, settings, details, metrics, latency);
	}

	/** BIKER's CSV: {@code ,title,answer} with {@code answer} like {@code ['java.lang.Integer.parseInt']}. */
	static List<Query> load(Path csv) throws IOException {
		List<Query> queries = new ArrayList<>();
		List<List<String>> rows = Csv.parse(Files.readString(csv));
		for (List<String> row : rows.subList(1, rows.size())) {
			if (row.size() < 3) {
				continue;
			}
			List<String> answers = new ArrayList<>();
			Matcher m = Pattern.compile("'([^']+)'").matcher(row.get(2));
			while (m.find()) {
				answers.add(m.group(1).trim());
			}
			queries.add(new Query(row.get(1), answers));
		}
		return queries;
	}

	record Query(String title, List<String> answers) {
	}

}
