package dev.ragplatform.retrieval.adapter;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ragplatform.runtime.problem.ServiceProblem;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Label pairs from an uploaded file. CSV with a header ({@code biker-train-qa.csv}: {@code ,title,answer} with
 * answers such as {@code ['java.lang.String.split']}); the query column is {@code query}, {@code title} or
 * {@code question} unless named, the targets column {@code targets}, {@code answer}, {@code answers} or
 * {@code documents}. A targets cell is a list in Python or JSON syntax, or values separated by {@code ;}.
 * JSON Lines: one {@code {"query": …, "targets": [...]}} per line (a single target may be a string).
 */
final class LabelFiles {

	private static final Pattern QUOTED = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"");

	private LabelFiles() {
	}

	static List<LabelPair> csv(String content, String queryColumn, String targetsColumn) {
		try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setAllowMissingColumnNames(true).get()
			.parse(new StringReader(content))) {
			Map<String, Integer> header = parser.getHeaderMap();
			String q = column(header, queryColumn, List.of("query", "title", "question"), "query");
			String t = column(header, targetsColumn, List.of("targets", "answer", "answers", "documents"), "targets");
			List<LabelPair> pairs = new ArrayList<>();
			for (CSVRecord row : parser) {
				if (!row.isConsistent()) {
					throw ServiceProblem.badRequest("CSV record " + row.getRecordNumber() + " has " + row.size()
							+ " fields, the header " + header.size() + " (quote fields that contain commas)");
				}
				String query = row.get(q);
				List<String> targets = targets(row.get(t));
				if (!query.isBlank() && !targets.isEmpty()) {
					pairs.add(new LabelPair(query, targets));
				}
			}
			return pairs;
		}
		catch (IOException | java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException ex) {
			throw ServiceProblem.badRequest("unreadable CSV: " + ex.getMessage());
		}
	}

	static List<LabelPair> jsonLines(String content) {
		List<LabelPair> pairs = new ArrayList<>();
		String[] lines = content.split("\r?\n");
		for (int i = 0; i < lines.length; i++) {
			if (lines[i].isBlank()) {
				continue;
			}
			JsonNode node;
			try {
				node = AdapterRepository.JSON.readTree(lines[i]);
			}
			catch (JacksonException ex) {
				throw ServiceProblem.badRequest("line " + (i + 1) + " is not JSON: " + ex.getOriginalMessage());
			}
			JsonNode targets = node.path("targets");
			List<String> values = new ArrayList<>();
			if (targets.isArray()) {
				targets.forEach((v) -> values.add(v.asString()));
			}
			else if (targets.isString()) {
				values.add(targets.asString());
			}
			if (!node.path("query").isString() || values.isEmpty()) {
				throw ServiceProblem.badRequest("line " + (i + 1) + " needs a \"query\" string and \"targets\"");
			}
			pairs.add(new LabelPair(node.path("query").asString(), values));
		}
		return pairs;
	}

	/** {@code ['a', 'b']}, {@code ["a"]}, {@code a;b} or {@code a}. */
	static List<String> targets(String cell) {
		String s = cell.strip();
		List<String> values = new ArrayList<>();
		if (s.startsWith("[") && s.endsWith("]")) {
			Matcher m = QUOTED.matcher(s);
			while (m.find()) {
				values.add((m.group(1) != null) ? m.group(1) : m.group(2));
			}
			if (values.isEmpty()) {
				for (String part : s.substring(1, s.length() - 1).split(",")) {
					if (!part.isBlank()) {
						values.add(part.strip());
					}
				}
			}
			return values;
		}
		for (String part : s.split(";")) {
			if (!part.isBlank()) {
				values.add(part.strip());
			}
		}
		return values;
	}

	private static String column(Map<String, Integer> header, String named, List<String> candidates, String what) {
		if (named != null && !named.isBlank()) {
			if (!header.containsKey(named)) {
				throw ServiceProblem.badRequest("the CSV has no column '" + named + "'; its header: " + header.keySet());
			}
			return named;
		}
		for (String c : candidates) {
			if (header.containsKey(c)) {
				return c;
			}
		}
		throw ServiceProblem.badRequest("the CSV has no " + what + " column (one of " + candidates
				+ ", or name it with " + what + "Column); its header: " + header.keySet());
	}

}
