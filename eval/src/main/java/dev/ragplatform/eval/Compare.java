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
 * a drop larger than the tolerance is a regression, and any regression makes the exit status 1 (for CI).
 */
final class Compare {

	private Compare() {
	}

	/** The comparison as lines, and whether b regressed against a. */
	static Outcome compare(JsonNode a, JsonNode b, double tolerance) {
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
		return new Outcome(lines, regressed);
	}

	static int run(Path a, Path b, double tolerance) throws IOException {
		Outcome outcome = compare(Platform.JSON.readTree(Files.readString(a)), Platform.JSON.readTree(Files.readString(b)),
				tolerance);
		outcome.lines().forEach(System.out::println);
		System.out.println(outcome.regressed() ? "regressions found" : "no regressions");
		return outcome.regressed() ? 1 : 0;
	}

	record Outcome(List<String> lines, boolean regressed) {
	}

}
