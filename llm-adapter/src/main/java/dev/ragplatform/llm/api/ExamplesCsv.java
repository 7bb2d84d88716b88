package dev.ragplatform.llm.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ragplatform.runtime.csv.CsvRows;

/**
 * Solved examples in BIKER's CSV layout ({@code biker-train-qa.csv}): a header {@code ,title,answer}, then rows
 * {@code index,title,answer} where {@code answer} is a Python-style list such as
 * {@code ['java.lang.Integer.parseInt']}. RFC 4180 quoting. Each distinct (title, answer) becomes one example with
 * the same external id and metadata as the eval harness writes ({@code eval/BikerSuite}), so the two fill a
 * collection interchangeably.
 */
final class ExamplesCsv {

	private static final Pattern QUOTED = Pattern.compile("'([^']+)'|\"([^\"]+)\"");

	private ExamplesCsv() {
	}

	/** The distinct examples of the CSV and how many rows were skipped (no title or no API). */
	static Parsed parse(String csv) {
		List<List<String>> rows = CsvRows.parse(csv);
		Map<String, Example> distinct = new LinkedHashMap<>();
		int skipped = 0;
		int total = 0;
		for (int i = 0; i < rows.size(); i++) {
			List<String> row = rows.get(i);
			if (i == 0 && row.size() >= 3 && row.get(1).strip().equalsIgnoreCase("title")) {
				continue; // the header
			}
			if (row.size() == 1 && row.get(0).isBlank()) {
				continue; // an empty line
			}
			total++;
			if (row.size() < 3 || row.get(1).isBlank()) {
				skipped++;
				continue;
			}
			List<String> apis = new ArrayList<>();
			Matcher m = QUOTED.matcher(row.get(2));
			while (m.find()) {
				String api = ((m.group(1) != null) ? m.group(1) : m.group(2)).strip();
				if (!api.isEmpty()) {
					apis.add(api);
				}
			}
			if (apis.isEmpty()) {
				skipped++;
				continue;
			}
			String title = row.get(1);
			distinct.putIfAbsent(title + "\u0000" + apis, new Example(title, List.copyOf(apis)));
		}
		return new Parsed(total, skipped, List.copyOf(distinct.values()));
	}

	/** A title as the near-copy filter compares it: lower case, letters and digits only. */
	static String titleKey(String title) {
		return title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{Nd}]", "");
	}

	/**
	 * A CSV read.
	 *
	 * @param rows data rows (without the header and empty lines)
	 * @param skipped rows without a title or without any API
	 * @param examples distinct (title, APIs) pairs, in file order
	 */
	record Parsed(int rows, int skipped, List<Example> examples) {
	}

	/** One solved question and the APIs that answered it. */
	record Example(String title, List<String> apis) {

		/** {@code example-} + the first 20 hex digits of SHA-256(title NUL apis), as the eval harness names them. */
		String externalId() {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-256")
					.digest((this.title + "\u0000" + this.apis).getBytes(StandardCharsets.UTF_8));
				return "example-" + HexFormat.of().formatHex(digest).substring(0, 20);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The examples collection's metadata contract: {@code apis} and {@code titleKey}. */
		Map<String, Object> metadata() {
			return Map.of("apis", this.apis, "titleKey", titleKey(this.title));
		}

	}

}
