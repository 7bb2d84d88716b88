package dev.ragplatform.eval;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTests {

	@Test
	void writesJsonMarkdownAndAChartThatCompareReadsBack(@TempDir Path dir) throws Exception {
		Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
		metrics.put("dense", ordered(0.71, 0.95));
		metrics.put("hybrid", ordered(0.72, 0.97));
		Report.Result result = new Report.Result("scifact", "eval-scifact",
				Platform.JSON.readTree("{\"embeddingModel\": \"bge-small-en-v1.5\", \"defaultTask\": \"none\", "
						+ "\"chunking\": {\"targetTokens\": 480}}"),
				Map.of("documents", 5183), metrics,
				Map.of("dense", Map.of("p50", 20.0, "p95", 30.0, "p99", 35.0), "hybrid", Map.of("p50", 40.0, "p95", 60.0, "p99", 75.0)),
				Map.of("dense", Map.of("q1", Report.perQuery(ordered(1.0, 1.0), List.of("d1", "d2"), Map.of("d1", 1)),
						"q2", Report.perQuery(ordered(0.0, Double.NaN), List.of("d3"), Map.of()))));
		List<Path> files = Report.write(dir, result, "./rag eval scifact");

		var json = Platform.JSON.readTree(Files.readString(files.get(0)));
		assertThat(json.path("model").asString()).isEqualTo("bge-small-en-v1.5");
		assertThat(json.path("revision").asString()).isNotBlank();
		assertThat(json.path("metrics").path("hybrid").path("nDCG@10").asDouble()).isEqualTo(0.72);
		assertThat(Files.readString(files.get(1))).contains("| mode | nDCG@10 | Recall@100 | p50 ms | p95 ms | p99 ms |")
			.contains("| hybrid | 0.7200 | 0.9700 | 40.0 | 60.0 | 75.0 |")
			.contains("| dense | 0.7100 | 0.9500 | 20.0 | 30.0 | 35.0 |")
			.contains("](" + files.get(2).getFileName() + ")");
		BufferedImage chart = ImageIO.read(files.get(2).toFile());
		assertThat(chart.getWidth()).isEqualTo(900);
		assertThat(json.path("queries").path("dense").path("q1").path("rank").asInt()).isEqualTo(1);
		assertThat(json.path("queries").path("dense").path("q2").path("rank").asInt()).isZero();
		Compare.Outcome same = Compare.compare(json, json, 0.005);
		assertThat(same.regressed()).isFalse();
		assertThat(same.lines()).contains("dense, nDCG@10 per question: 0 won, 0 lost, 2 tied");
	}

	@Test
	void percentilesAreNearestRank() {
		List<Double> millis = new java.util.ArrayList<>();
		for (int i = 100; i >= 1; i--) {
			millis.add((double) i);
		}
		assertThat(Report.percentiles(millis)).containsEntry("p50", 51.0).containsEntry("p95", 96.0)
			.containsEntry("p99", 100.0);
	}

	private static Map<String, Double> ordered(double ndcg, double recall) {
		Map<String, Double> values = new LinkedHashMap<>();
		values.put("nDCG@10", ndcg);
		values.put("Recall@100", recall);
		return values;
	}

}
