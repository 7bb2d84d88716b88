package dev.ragplatform.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BenchOutputTests {

	@Test
	void figuresAreFormattedByMagnitude() {
		assertThat(BenchOutput.format(12345.6)).isEqualTo("12,346");
		assertThat(BenchOutput.format(123.45)).isEqualTo("123.5");
		assertThat(BenchOutput.format(1.756)).isEqualTo("1.76");
		assertThat(BenchOutput.format(0.98765)).isEqualTo("0.9877");
		assertThat(BenchOutput.format(0.0)).isEqualTo("0.0000");
		assertThat(BenchOutput.format(1.0)).isEqualTo("1.0000");
		assertThat(BenchOutput.format(15725L)).isEqualTo("15,725");
		assertThat(BenchOutput.format(null)).isEqualTo("-");
		assertThat(BenchOutput.format("exact")).isEqualTo("exact");
	}

	@Test
	void printsAlignedMarkdownAndWritesTheSameRunAsMarkdownAndJson(@TempDir Path dir) throws Exception {
		PrintStream original = System.out;
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		System.setProperty("rag.reports", dir.toString());
		Path md;
		try {
			System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
			BenchOutput out = BenchOutput.start("demo", "a test run", new String[] { "--quick" });
			BenchOutput.Table table = out.table("ANN", "search", "recall@10", "p50 ms");
			table.row("exact scan", 1.0, 58.8).row("hnsw ef_search=100", 0.99, 1.94);
			assertThatIllegalArgumentException().isThrownBy(() -> table.row("short", 1.0));
			out.ratio("exact / hnsw p50", 58.8 / 1.94);
			out.note("%d queries", 200);
			md = out.finish();
		}
		finally {
			System.setOut(original);
			System.clearProperty("rag.reports");
		}
		String text = printed.toString(StandardCharsets.UTF_8);
		assertThat(text).contains("# bench demo: a test run", "`./rag bench demo --quick` at revision ",
				"## ANN", "ratio  exact / hnsw p50 = 30.31", "note   200 queries");
		String[] lines = text.lines().filter((l) -> l.startsWith("|")).toArray(String[]::new);
		assertThat(lines).hasSize(4).allSatisfy((l) -> assertThat(l).hasSameSizeAs(lines[0]));
		assertThat(lines[2]).startsWith("| exact scan ").endsWith("|     1.0000 |      58.80 |");
		assertThat(Files.readString(md)).isEqualTo(text.substring(0, text.indexOf("\nreport: ")));
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(
				Path.of(md.toString().replace(".md", ".json"))));
		assertThat(json.path("sections").get(0).path("rows").get(1).get(2).asDouble()).isEqualTo(1.94);
		assertThat(json.path("ratios").path("exact / hnsw p50").asDouble()).isCloseTo(30.31, org.assertj.core.api.Assertions.within(0.01));
		assertThat(json.path("revision").asString()).isNotBlank();
	}

}
