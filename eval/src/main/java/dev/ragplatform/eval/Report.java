package dev.ragplatform.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run as JSON (for machines and comparisons) and Markdown (for people) under {@code reports/}. */
final class Report {

	private Report() {
	}

	/**
	 * One suite's outcome.
	 *
	 * @param suite the suite's name
	 * @param collection the collection it ran on
	 * @param settings the collection's settings (model, task, chunking, index)
	 * @param details sizes and timings
	 * @param metrics per mode: metric → value
	 * @param latency per mode: p50/p95/p99 of a search round trip in ms
	 * @param queries per mode: query id → its own metric values and {@code rank}, the rank of its first relevant
	 * result (0: none in the ranking), so that two runs can be compared question by question
	 */
	record Result(String suite, String collection, JsonNode settings, Map<String, Object> details,
			Map<String, Map<String, Double>> metrics, Map<String, Map<String, Double>> latency,
			Map<String, Map<String, Map<String, Double>>> queries) {
	}

	/** One query's metric values plus the rank of its first relevant result, as {@link Result#queries} keeps them. */
	static Map<String, Double> perQuery(Map<String, Double> values, List<String> ranking, Map<String, Integer> judged) {
		Map<String, Double> kept = new LinkedHashMap<>(values);
		kept.put("rank", (double) Metrics.firstRelevant(ranking, judged));
		return kept;
	}

	/** p50, p95 and p99 of search round trips in ms (nearest rank). */
	static Map<String, Double> percentiles(List<Double> millis) {
		List<Double> sorted = millis.stream().sorted().toList();
		return Map.of("p50", sorted.get(sorted.size() / 2), "p95", rank(sorted, 0.95), "p99", rank(sorted, 0.99));
	}

	private static double rank(List<Double> sorted, double quantile) {
		return sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * quantile)));
	}

	static List<Path> write(Path dir, Result result, String command) throws IOException {
		Files.createDirectories(dir);
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		String stem = result.suite() + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("suite", result.suite());
		json.put("command", command);
		json.put("revision", dev.ragplatform.runtime.GitRevision.describe());
		json.put("date", now.toString());
		json.put("collection", result.collection());
		json.put("model", result.settings().path("embeddingModel").asString());
		json.put("settings", result.settings());
		json.put("details", result.details());
		json.put("metrics", result.metrics());
		json.put("latencyMs", result.latency());
		json.put("queries", result.queries());
		Path jsonFile = dir.resolve(stem + ".json");
		Files.writeString(jsonFile, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
			.writeValueAsString(json), StandardCharsets.UTF_8);

		StringBuilder md = new StringBuilder();
		md.append("# ").append(result.suite()).append(" — ").append(now.toLocalDate()).append("\n\n");
		md.append("`").append(command).append("` at revision `").append(json.get("revision")).append("`, model `")
			.append(json.get("model")).append("`, task `").append(result.settings().path("defaultTask").asString())
			.append("`, chunks ≤ ").append(result.settings().path("chunking").path("targetTokens").asInt())
			.append(" tokens; ").append(result.details()).append("\n\n");
		List<String> names = List.copyOf(result.metrics().values().iterator().next().keySet());
		md.append("| mode | ").append(String.join(" | ", names)).append(" | p50 ms | p95 ms | p99 ms |\n|---|");
		md.append("---|".repeat(names.size() + 3)).append('\n');
		result.metrics().forEach((mode, values) -> {
			md.append("| ").append(mode);
			names.forEach((n) -> md.append(String.format(Locale.ROOT, " | %.4f", values.get(n))));
			Map<String, Double> ms = result.latency().get(mode);
			md.append(String.format(Locale.ROOT, " | %.1f | %.1f | %.1f |%n", ms.get("p50"), ms.get("p95"), ms.get("p99")));
		});
		Path pngFile = dir.resolve(stem + ".png");
		Chart.write(pngFile, result.suite() + " — " + json.get("model") + " @ " + json.get("revision"), result.metrics());
		md.append("\n![").append(result.suite()).append("](").append(pngFile.getFileName()).append(")\n");
		Path mdFile = dir.resolve(stem + ".md");
		Files.writeString(mdFile, md.toString(), StandardCharsets.UTF_8);
		return List.of(jsonFile, mdFile, pngFile);
	}

}
