package dev.ragplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metric names the Helm chart's Grafana dashboards ({@code dashboards/*.json}) and alerts
 * ({@code templates/prometheusrule.yaml}) query, read from their PromQL, so that tests can hold them against what
 * the services publish.
 */
public final class ChartMetrics {

	private static final Pattern EXPR = Pattern.compile("^(\\s*)(?:- )?expr:\\s*(.*)$");

	private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
			"group_left", "group_right", "offset", "bool", "inf", "nan");

	private ChartMetrics() {
	}

	/** Every metric the chart in {@code chart} (helm/rag-platform) queries. */
	public static Set<String> of(Path chart) {
		Set<String> names = new TreeSet<>();
		try (Stream<Path> dashboards = Files.list(chart.resolve("dashboards"))) {
			for (Path dashboard : dashboards.filter((p) -> p.toString().endsWith(".json")).sorted().toList()) {
				JsonNode json = JsonMapper.builder().build().readTree(Files.readString(dashboard));
				json.path("panels").forEach((panel) -> panel.path("targets")
					.forEach((target) -> names.addAll(metricNames(target.path("expr").asString()))));
			}
			for (String expr : exprs(Files.readAllLines(chart.resolve("templates/prometheusrule.yaml")))) {
				names.addAll(metricNames(expr));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

	/** Each {@code expr:} of a rules file: the rest of its line, or the block below it ({@code expr: |}). */
	static java.util.List<String> exprs(java.util.List<String> lines) {
		java.util.List<String> exprs = new java.util.ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			Matcher expr = EXPR.matcher(lines.get(i));
			if (!expr.matches()) {
				continue;
			}
			String value = expr.group(2).strip();
			if (!value.startsWith("|") && !value.startsWith(">")) {
				exprs.add(value);
				continue;
			}
			int indent = expr.group(1).length();
			StringBuilder block = new StringBuilder();
			while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
					|| lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
				block.append(lines.get(++i).strip()).append('\n');
			}
			exprs.add(block.toString());
		}
		return exprs;
	}

	/** The metric names in a PromQL expression (Helm's {@code {{ … }}} in it are left out). */
	public static Set<String> metricNames(String promql) {
		String rest = promql.replaceAll("\\{\\{.*?}}", " ")
			.replaceAll("\"(\\\\.|[^\"])*\"|'(\\\\.|[^'])*'", " ")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		Set<String> names = new TreeSet<>();
		Matcher token = IDENTIFIER.matcher(rest);
		while (token.find()) {
			String name = token.group();
			String after = rest.substring(token.end()).stripLeading();
			boolean function = after.startsWith("(");
			boolean number = token.start() > 0 && Character.isDigit(rest.charAt(token.start() - 1));
			if (!function && !number && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
				names.add(name);
			}
		}
		return names;
	}

}
