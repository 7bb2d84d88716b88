package dev.ragplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one output format of every {@code ./rag bench} command: a header naming the machine, the JDK and the git
 * revision; sections of Markdown tables, printed row by row as figures come in (aligned in a terminal, pasteable
 * into a README); ratios against the peer measured in the same run; notes. {@link #finish()} also writes the whole
 * run as {@code reports/bench-<name>-<time>.md} and {@code .json} (every figure as a number), next to the
 * {@code ./rag eval} reports.
 */
public final class BenchOutput {

	private static final int FIRST_COLUMN = 52;

	private final String name;

	private final Instant started = Instant.now();

	private final StringBuilder text = new StringBuilder();

	private final Map<String, Object> json = new LinkedHashMap<>();

	private final List<Map<String, Object>> sections = new ArrayList<>();

	private final Map<String, Double> ratios = new LinkedHashMap<>();

	private final List<String> notes = new ArrayList<>();

	private BenchOutput(String name) {
		this.name = name;
	}

	/** Starts a run and prints its header. */
	public static BenchOutput start(String name, String title, String[] args) {
		BenchOutput out = new BenchOutput(name);
		String revision = dev.ragplatform.runtime.GitRevision.describe();
		String machine = String.format(Locale.ROOT, "%d cores, %,d MB heap, Java %s, %s %s",
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version(),
				System.getProperty("os.name"), System.getProperty("os.arch"));
		out.json.put("bench", name);
		out.json.put("title", title);
		out.json.put("command", ("./rag bench " + name + " " + String.join(" ", args)).strip());
		out.json.put("revision", revision);
		out.json.put("date", out.started.toString());
		out.json.put("machine", machine);
		out.print("# bench %s: %s%n%n`%s` at revision `%s`, %s, %s%n", name, title, out.json.get("command"), revision,
				out.started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), machine);
		return out;
	}

	/** Starts a table: a heading and its columns (the first names the rows). */
	public Table table(String heading, String... columns) {
		Table table = new Table(columns);
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("heading", heading);
		section.put("columns", List.of(columns));
		section.put("rows", table.rows);
		this.sections.add(section);
		print("%n## %s%n%n", heading);
		print("%s%n", table.line(Arrays.asList(columns)));
		StringBuilder rule = new StringBuilder("|");
		for (int width : table.widths) {
			rule.append('-').append("-".repeat(width)).append("-|");
		}
		print("%s%n", rule);
		return table;
	}

	/** A figure relative to another measured in the same run (a peer, or the raw baseline). */
	public void ratio(String what, double value) {
		this.ratios.put(what, value);
		print("ratio  %s = %.2f%n", what, value);
	}

	/** A line of context (what a figure means, a caveat, a measured fact that is not a table cell). */
	public void note(String format, Object... args) {
		String line = String.format(Locale.ROOT, format, args);
		this.notes.add(line);
		print("note   %s%n", line);
	}

	/** Writes {@code reports/bench-<name>-<time>.md} and {@code .json}; returns the Markdown file. */
	public Path finish() {
		this.json.put("sections", this.sections);
		this.json.put("ratios", this.ratios);
		this.json.put("notes", this.notes);
		this.json.put("seconds", (Instant.now().toEpochMilli() - this.started.toEpochMilli()) / 1000.0);
		try {
			Path dir = Path.of(System.getProperty("rag.reports", "reports"));
			Files.createDirectories(dir);
			String stem = "bench-" + this.name + "-"
					+ DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(this.started);
			Files.writeString(dir.resolve(stem + ".json"), JsonMapper.builder()
				.enable(SerializationFeature.INDENT_OUTPUT)
				.build()
				.writeValueAsString(this.json), StandardCharsets.UTF_8);
			Path md = dir.resolve(stem + ".md");
			Files.writeString(md, this.text.toString(), StandardCharsets.UTF_8);
			System.out.printf(Locale.ROOT, "%nreport: %s (and .json)%n", md);
			return md;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void print(String format, Object... args) {
		String s = String.format(Locale.ROOT, format, args);
		this.text.append(s);
		System.out.print(s);
		System.out.flush();
	}

	/**
	 * Formats a figure for a table: thousands without decimals, then fewer decimals the larger the number, and four
	 * for scores in [0, 1] (recall, nDCG) so that a column of them lines up;
	 * {@code null} is "-", strings as they are.
	 */
	static String format(Object value) {
		if (value == null) {
			return "-";
		}
		if (!(value instanceof Number number)) {
			return value.toString();
		}
		if (value instanceof Integer || value instanceof Long) {
			return String.format(Locale.ROOT, "%,d", number.longValue());
		}
		double v = number.doubleValue();
		double a = Math.abs(v);
		String pattern = (a >= 1000) ? "%,.0f" : (a >= 100) ? "%.1f" : (a > 1) ? "%.2f" : "%.4f";
		return String.format(Locale.ROOT, pattern, v);
	}

	/** One table; rows are printed as they are added. */
	public final class Table {

		private final int[] widths;

		private final List<List<Object>> rows = new ArrayList<>();

		private Table(String[] columns) {
			this.widths = new int[columns.length];
			for (int i = 0; i < columns.length; i++) {
				this.widths[i] = (i == 0) ? Math.max(FIRST_COLUMN, columns[i].length()) : Math.max(10, columns[i].length());
			}
		}

		/** A row: its label, then one figure per column (numbers, strings, or null for none). */
		public Table row(String label, Object... figures) {
			if (figures.length != this.widths.length - 1) {
				throw new IllegalArgumentException("expected " + (this.widths.length - 1) + " figures, got "
						+ figures.length);
			}
			List<Object> cells = new ArrayList<>();
			cells.add(label);
			cells.addAll(Arrays.asList(figures));
			this.rows.add(cells);
			print("%s%n", line(cells.stream().map(BenchOutput::format).toList()));
			return this;
		}

		private String line(List<String> cells) {
			StringBuilder line = new StringBuilder("|");
			for (int i = 0; i < cells.size(); i++) {
				String cell = cells.get(i);
				String padding = " ".repeat(Math.max(0, this.widths[i] - cell.length()));
				line.append(' ').append((i == 0) ? cell + padding : padding + cell).append(" |");
			}
			return line.toString();
		}

	}

}
