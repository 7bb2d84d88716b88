package dev.ragplatform.llm.citation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where a text cites something and cuts the query for each place: the characters around a marker, with every
 * marker removed. Markers: FIRE's {@code [?CITATION?]}, numbered references ({@code [12]}, {@code [3, 4]},
 * {@code [1-3]}) and author-year citations ({@code (Smith, 2019)}, {@code (Smith et al. 2019; Doe 2020a)}). A text
 * that one query takes in ({@code rag.llm.citations.whole-query-chars}) is one context, markers or not: a paragraph
 * is searched whole, not cut into overlapping windows. A longer text is searched in passages of about
 * {@value #PASSAGE} characters, evenly thinned to the maximum (the "whole case" form of the FIRE 2017 evaluation),
 * when it has no markers or its markers' windows cover most of it ({@code whole-text-coverage}).
 * Markers close together ({@code rag.llm.citations.merge-gap}) share one context.
 */
final class CitationContexts {

	static final int PASSAGE = 1500;

	private static final Pattern MARKERS = Pattern.compile(String.join("|",
			// FIRE 2017's placeholder
			"\\[\\?CITATION\\?\\]",
			// numbered: [12], [3, 4], [1-3], [2–5, 9]
			"\\[\\d{1,4}(?:\\s*[,–-]\\s*\\d{1,4})*\\]",
			// author-year: (Smith, 2019), (Smith and Doe 2019), (Smith et al., 2019a; Doe, 2020), (see Smith 2019)
			"\\((?:see\\s+|e\\.g\\.,?\\s+|cf\\.\\s+)?\\p{Lu}[\\p{L}'’-]+(?:\\s+(?:et\\s+al\\.?|and|&)(?:\\s+\\p{Lu}[\\p{L}'’-]+)?)?,?"
					+ "\\s+(?:1[5-9]|20)\\d{2}[a-z]?(?:\\s*;\\s*\\p{Lu}[^();]{0,80}?,?\\s+(?:1[5-9]|20)\\d{2}[a-z]?)*\\)"));

	private CitationContexts() {
	}

	/**
	 * How a text is cut into contexts ({@code rag.llm.citations.*}).
	 *
	 * @param before characters before a marker in its context
	 * @param after characters after it
	 * @param maxMarkers the most places searched (those past the last kept one are dropped and reported)
	 * @param maxPassages the most whole-text passages searched (evenly thinned)
	 * @param wholeCoverage a text whose markers' windows cover at least this share of it (a short paragraph with a
	 * citation or two) is searched whole instead; above 1 never for its coverage
	 * @param mergeGap a marker at most this many characters after the previous one shares its context, which then
	 * runs from before the first to after the last (a list of citations is one place); negative: never merged
	 * @param wholeQueryChars a text at most this long (stripped) is searched whole as one query, markers or not: a
	 * plain search of the same paragraph sees all of it, so its markers' windows could only leave words out; 0 never
	 */
	record Rules(int before, int after, int maxMarkers, int maxPassages, double wholeCoverage, int mergeGap,
			int wholeQueryChars) {

		/** Markers' windows alone: at most {@code max} markers or passages, never searched whole, never merged. */
		static Rules windows(int before, int after, int max) {
			return new Rules(before, after, max, max, Double.POSITIVE_INFINITY, -1, 0);
		}

	}

	/**
	 * The contexts of {@code text}: one per place that cites and, when there are no markers or {@code wholeText} is
	 * set, passages of the whole text; or the whole text alone, when {@code rules} say it is searched whole.
	 */
	static Found find(String text, Rules rules, boolean wholeText) {
		int before = rules.before();
		int after = rules.after();
		int maxMarkers = rules.maxMarkers();
		List<int[]> markers = new ArrayList<>();
		Matcher matcher = MARKERS.matcher(text);
		while (matcher.find()) {
			markers.add(new int[] { matcher.start(), matcher.end() });
		}
		List<Context> contexts = new ArrayList<>();
		int ignored = 0;
		double coverage = coverage(text.length(), markers, before, after);
		// a text one query takes in is searched whole too: its markers' windows can only leave words out
		// (FIRE paragraphs of about 1,500 characters: per marker MAP 0.2426, the paragraph whole 0.2760)
		int[] stripped = stripped(text);
		boolean oneQuery = stripped[1] - stripped[0] <= rules.wholeQueryChars();
		boolean whole = !markers.isEmpty() && (oneQuery || coverage >= rules.wholeCoverage());
		if (!markers.isEmpty() && !whole) {
			List<int[]> places = merged(markers, rules.mergeGap());
			for (int[] marker : places.subList(0, Math.min(maxMarkers, places.size()))) {
				int start = Math.max(0, marker[0] - before);
				int end = Math.min(text.length(), marker[1] + after);
				String query = clean(text.substring(start, end));
				if (!query.isEmpty()) {
					contexts.add(new Context(contexts.size(), "marker", text.substring(marker[0], marker[1]), marker[0],
							marker[1], start, end, query));
				}
			}
			// the markers in the places past the last searched one
			ignored = (places.size() > maxMarkers) ? (int) markers.stream()
				.filter((m) -> m[0] >= places.get(maxMarkers)[0])
				.count() : 0;
			if (!wholeText) {
				return new Found(contexts, markers.size(), ignored, coverage, false);
			}
		}
		// here a text one query takes in is searched whole or has no markers
		List<int[]> spans = oneQuery ? List.of(stripped) : passages(text);
		int total = spans.size();
		int maxPassages = rules.maxPassages();
		if (spans.size() > maxPassages) {
			List<int[]> thinned = new ArrayList<>(maxPassages);
			for (int i = 0; i < maxPassages; i++) {
				thinned.add(spans.get((int) ((long) i * spans.size() / maxPassages)));
			}
			spans = thinned;
		}
		for (int[] span : spans) {
			String query = clean(text.substring(span[0], span[1]));
			if (!query.isEmpty()) {
				contexts.add(new Context(contexts.size(), "passage", null, -1, -1, span[0], span[1], query));
			}
		}
		return new Found(contexts, markers.size(), ignored + total - spans.size(), coverage, whole);
	}

	/** Markers (in text order) grouped into places: one that starts at most {@code gap} after the last one's end joins it. */
	static List<int[]> merged(List<int[]> markers, int gap) {
		List<int[]> places = new ArrayList<>();
		for (int[] marker : markers) {
			int[] last = places.isEmpty() ? null : places.get(places.size() - 1);
			if (last != null && marker[0] - last[1] <= gap) {
				last[1] = marker[1];
			}
			else {
				places.add(new int[] { marker[0], marker[1] });
			}
		}
		return places;
	}

	/** The share of the text within {@code before} / {@code after} characters of a marker (0 without markers). */
	static double coverage(int length, List<int[]> markers, int before, int after) {
		if (length == 0 || markers.isEmpty()) {
			return 0;
		}
		long covered = 0;
		int reached = 0;
		for (int[] marker : markers) { // in text order
			int start = Math.max(reached, Math.max(0, marker[0] - before));
			int end = Math.min(length, marker[1] + after);
			if (end > start) {
				covered += end - start;
				reached = end;
			}
		}
		return (double) covered / length;
	}

	/** Passages of about {@link #PASSAGE} characters, cut at whitespace, as [start, end) offsets. */
	private static List<int[]> passages(String text) {
		List<int[]> spans = new ArrayList<>();
		int start = 0;
		while (start < text.length()) {
			while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
				start++;
			}
			if (start >= text.length()) {
				break;
			}
			int end = Math.min(text.length(), start + PASSAGE);
			if (end < text.length()) {
				int space = lastWhitespace(text, start, end);
				end = (space > start + PASSAGE / 2) ? space : end;
			}
			spans.add(new int[] { start, end });
			start = end;
		}
		return spans;
	}

	/** The text without leading and trailing whitespace, as [start, end) offsets. */
	private static int[] stripped(String text) {
		int start = text.length() - text.stripLeading().length();
		return new int[] { start, Math.max(start, text.stripTrailing().length()) };
	}

	private static int lastWhitespace(String text, int from, int to) {
		for (int i = to; i > from; i--) {
			if (Character.isWhitespace(text.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	static String clean(String window) {
		return MARKERS.matcher(window).replaceAll(" ").replaceAll("\\s+", " ").trim();
	}

	/**
	 * What was found.
	 *
	 * @param contexts the contexts searched
	 * @param markers how many markers the text holds
	 * @param ignored markers or passages beyond the maximum, not searched
	 * @param coverage the share of the text within a marker's window
	 * @param searchedWhole whether the text was searched whole instead of per marker: its markers' windows covered so
	 * much of it, or it is at most {@code whole-query-chars} long
	 */
	record Found(List<Context> contexts, int markers, int ignored, double coverage, boolean searchedWhole) {

		/** Whether any context is a marker's (else the text is searched in passages alone). */
		boolean hasMarkerContexts() {
			return this.contexts.stream().anyMatch((c) -> "marker".equals(c.kind()));
		}

	}

	/**
	 * One place that cites.
	 *
	 * @param index position among the contexts
	 * @param kind {@code marker} or {@code passage} (no markers in the text)
	 * @param marker the marker as written (markers merged into one place: from the first to the last), null for a
	 * passage
	 * @param markerStart where the marker starts in the text (-1 for a passage)
	 * @param markerEnd where it ends
	 * @param start where the context starts in the text
	 * @param end where it ends
	 * @param query the context's text with markers removed: what is searched
	 */
	record Context(int index, String kind, String marker, int markerStart, int markerEnd, int start, int end,
			String query) {
	}

}
