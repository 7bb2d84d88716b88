package dev.ragplatform.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * {@code ./rag eval compare a.json b.json}: every metric of every mode side by side, with the change from a to b;
 * a drop larger than the tolerance is a regression, and any regression makes the exit status 1 (for CI). Where both
 * reports keep their queries, each mode in both also gets the questions won and lost on its first metric (the one
 * the suite reports first: nDCG@10, SuccessRate@1, MAP), with the rank of each question's first relevant result.
 */
final class Compare {

	private Compare() {
	}

	/** The comparison as lines, and whether b regressed against a. */
	static Outcome compare(JsonNode a, JsonNode b, double tolerance) {
		return compare(a, b, tolerance, 10);
	}

	/** The same, showing at most {@code shown} questions won and as many lost per mode. */
	static Outcome compare(JsonNode a, JsonNode b, double tolerance, int shown) {
		List<String> lines = new ArrayList<>();
		boolean regressed = false;
		lines.add(String.format(Locale.ROOT, "%s: %s (%s) → %s (%s), tolerance %.3f", a.path("suite").asString(),
				a.path("revision").asString(), a.path("date").asString(), b.path("revision").asString(),
				b.path("date").asString(), tolerance));
		lines.add(String.format(Locale.ROOT, "%-10s %-12s %9s %9s %9s", "mode", "metric", "a", "b", "change"));
		for (Map.Entry<String, JsonNode> mode : a.path("metrics").properties()) {
			for (Map.Entry<String, JsonNode> metric : mode.getValue().properties()) {
				double before = metric.getValue().asDouble();
				JsonNode other = b.path("metrics").path(mode.getKey()).path(metric.getKey());
				if (other.isMissingNode()) {
					lines.add(String.format(Locale.ROOT, "%-10s %-12s %9.4f %9s", mode.getKey(), metric.getKey(),
							before, "missing"));
					continue;
				}
				double after = other.asDouble();
				boolean worse = after < before - tolerance;
				regressed |= worse;
				lines.add(String.format(Locale.ROOT, "%-10s %-12s %9.4f %9.4f %+9.4f%s", mode.getKey(),
						metric.getKey(), before, after, after - before, worse ? "  REGRESSION" : ""));
			}
		}
		for (Map.Entry<String, JsonNode> mode : a.path("queries").properties()) {
			JsonNode other = b.path("queries").path(mode.getKey());
			if (other.isObject()) {
				lines.addAll(questions(mode.getKey(), mode.getValue(), other, shown));
			}
		}
		return new Outcome(lines, regressed);
	}

	/** The questions of one mode that b won and lost against a on the mode's first metric, most changed first. */
	static List<String> questions(String mode, JsonNode a, JsonNode b, int shown) {
		String metric = null;
		for (Map.Entry<String, JsonNode> query : a.properties()) {
			metric = query.getValue().propertyNames().iterator().next();
			break;
		}
		if (metric == null) {
			return List.of();
		}
		List<Change> won = new ArrayList<>();
		List<Change> lost = new ArrayList<>();
		int tied = 0;
		int missing = 0;
		for (Map.Entry<String, JsonNode> query : a.properties()) {
			JsonNode after = b.path(query.getKey());
			double x = number(query.getValue().path(metric));
			double y = number(after.path(metric));
			if (after.isMissingNode() || Double.isNaN(x) || Double.isNaN(y)) {
				missing++;
				continue;
			}
			Change change = new Change(query.getKey(), x, y, query.getValue().path("rank").asInt(0),
					after.path("rank").asInt(0));
			if (y > x) {
				won.add(change);
			}
			else if (y < x) {
				lost.add(change);
			}
			else {
				tied++;
			}
		}
		java.util.Comparator<Change> biggest = java.util.Comparator.comparingDouble((c) -> -Math.abs(c.after() - c.before()));
		won.sort(biggest);
		lost.sort(biggest);
		List<String> lines = new ArrayList<>();
		lines.add(String.format(Locale.ROOT, "%s, %s per question: %d won, %d lost, %d tied%s", mode, metric, won.size(),
				lost.size(), tied, (missing > 0) ? ", " + missing + " not in both" : ""));
		won.stream().limit(shown).forEach((c) -> lines.add("  won  " + c));
		lost.stream().limit(shown).forEach((c) -> lines.add("  lost " + c));
		return lines;
	}

	private static double number(JsonNode value) {
		return value.isNumber() ? value.asDouble() : Double.NaN;
	}

	/** One question's value in a and b, and the rank of its first relevant result in each (0: none). */
	record Change(String query, double before, double after, int rankBefore, int rankAfter) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%.4f → %.4f (first relevant at %s → %s)  %s", this.before, this.after,
					rank(this.rankBefore), rank(this.rankAfter), this.query);
		}

		private static String rank(int rank) {
			return (rank == 0) ? "-" : Integer.toString(rank);
		}

	}

	static int run(Path a, Path b, double tolerance, int shown) throws IOException {
		Outcome outcome = compare(Platform.JSON.readTree(Files.readString(a)), Platform.JSON.readTree(Files.readString(b)),
				tolerance, shown);
		outcome.lines().forEach(System.out::println);
		System.out.println(outcome.regressed() ? "regressions found" : "no regressions");
		return outcome.regressed() ? 1 : 0;
	}

	record Outcome(List<String> lines, boolean regressed) {
	}

}
