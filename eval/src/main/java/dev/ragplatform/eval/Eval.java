package dev.ragplatform.eval;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./rag eval <suite>}: measures the running platform through its public APIs and writes a report.
 * Suites: {@code scifact} (BEIR SciFact from the shared datasets) and {@code beir <dir>} (any BEIR folder).
 */
public final class Eval {

	static final String USAGE = """
			usage: ./rag eval scifact [options]
			       ./rag eval beir <dir> [options]
			       ./rag eval compare <a.json> <b.json> [--tolerance 0.005]
			options: --modes dense,lexical,hybrid  --split test  --collection <name>
			         --datasets ../shared/datasets  --reports reports
			         --ingest-url http://127.0.0.1:8081  --retrieval-url http://127.0.0.1:8083""";

	private Eval() {
	}

	public static void main(String[] args) throws Exception {
		List<String> positional = new ArrayList<>();
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--") && i + 1 < args.length) {
				options.put(args[i].substring(2), args[++i]);
			}
			else {
				positional.add(args[i]);
			}
		}
		if (positional.isEmpty()) {
			System.err.println(USAGE);
			System.exit(2);
		}
		if ("compare".equals(positional.get(0))) {
			if (positional.size() != 3) {
				System.err.println(USAGE);
				System.exit(2);
			}
			System.exit(Compare.run(Path.of(positional.get(1)), Path.of(positional.get(2)),
					Double.parseDouble(options.getOrDefault("tolerance", "0.005"))));
		}
		Path datasets = Path.of(options.getOrDefault("datasets", "../shared/datasets"));
		Path dir = switch (positional.get(0)) {
			case "scifact" -> datasets.resolve("scifact");
			case "beir" -> {
				if (positional.size() < 2) {
					System.err.println(USAGE);
					System.exit(2);
				}
				yield Path.of(positional.get(1));
			}
			default -> {
				System.err.println("unknown suite '" + positional.get(0) + "'\n" + USAGE);
				System.exit(2);
				yield null;
			}
		};
		BeirDataset data = BeirDataset.load(dir, options.getOrDefault("split", "test"));
		String collection = options.getOrDefault("collection",
				"eval-" + data.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-"));
		List<String> modes = Arrays.asList(options.getOrDefault("modes", "dense,lexical,hybrid").split(","));
		Platform platform = new Platform(URI.create(options.getOrDefault("ingest-url", "http://127.0.0.1:8081")),
				URI.create(options.getOrDefault("retrieval-url", "http://127.0.0.1:8083")));
		System.err.printf("%s: %,d documents, %,d judged queries (%s), collection %s%n", data.name(),
				data.corpus().size(), data.queries().size(), options.getOrDefault("split", "test"), collection);
		Report.Result result = new BeirSuite(platform).run(data, collection, modes);
		List<Path> files = Report.write(Path.of(options.getOrDefault("reports", "reports")), result,
				"./rag eval " + String.join(" ", args));
		System.out.println(java.nio.file.Files.readString(files.get(1)));
		System.out.println("reports: " + files);
	}

}
