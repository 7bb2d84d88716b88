package dev.ragplatform.gateway.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition ({@code /actuator/prometheus}), enough to read a few counters and
 * gauges: {@code name{label="value",…} value}. Comments, timestamps and unparseable lines are ignored.
 */
final class PrometheusText {

	/** One sample. */
	record Sample(String name, Map<String, String> labels, double value) {
	}

	private final List<Sample> samples;

	private PrometheusText(List<Sample> samples) {
		this.samples = samples;
	}

	static PrometheusText parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			Sample sample = sample(line.strip());
			if (sample != null) {
				samples.add(sample);
			}
		}
		return new PrometheusText(samples);
	}

	List<Sample> samples(String name) {
		return this.samples.stream().filter((s) -> s.name().equals(name)).toList();
	}

	/** Sum of a metric's finite samples whose labels pass, or null when it has none. */
	Double sum(String name, Predicate<Map<String, String>> labels) {
		double total = 0;
		boolean any = false;
		for (Sample s : samples(name)) {
			if (labels.test(s.labels()) && Double.isFinite(s.value())) {
				total += s.value();
				any = true;
			}
		}
		return any ? total : null;
	}

	Double sum(String name) {
		return sum(name, (labels) -> true);
	}

	private static Sample sample(String line) {
		if (line.isEmpty() || line.startsWith("#")) {
			return null;
		}
		int brace = line.indexOf('{');
		int space = line.indexOf(' ');
		if (space < 0) {
			return null;
		}
		Map<String, String> labels = new LinkedHashMap<>();
		String name;
		String rest;
		if (brace >= 0 && brace < space) {
			name = line.substring(0, brace);
			int end = labels(line, brace + 1, labels);
			if (end < 0) {
				return null;
			}
			rest = line.substring(end + 1).strip();
		}
		else {
			name = line.substring(0, space);
			rest = line.substring(space + 1).strip();
		}
		String value = rest.split(" ")[0];
		try {
			return new Sample(name, labels, switch (value) {
				case "+Inf" -> Double.POSITIVE_INFINITY;
				case "-Inf" -> Double.NEGATIVE_INFINITY;
				default -> Double.parseDouble(value);
			});
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Reads {@code a="x",b="y"} from {@code from}; answers the index of the closing brace, or -1. */
	private static int labels(String line, int from, Map<String, String> labels) {
		int i = from;
		while (i < line.length()) {
			char c = line.charAt(i);
			if (c == '}') {
				return i;
			}
			if (c == ',' || c == ' ') {
				i++;
				continue;
			}
			int eq = line.indexOf('=', i);
			if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
				return -1;
			}
			String key = line.substring(i, eq).strip();
			StringBuilder value = new StringBuilder();
			int j = eq + 2;
			while (j < line.length() && line.charAt(j) != '"') {
				char v = line.charAt(j);
				if (v == '\\' && j + 1 < line.length()) {
					char next = line.charAt(++j);
					value.append((next == 'n') ? '\n' : next);
				}
				else {
					value.append(v);
				}
				j++;
			}
			if (j >= line.length()) {
				return -1;
			}
			labels.put(key, value.toString());
			i = j + 1;
		}
		return -1;
	}

}
