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
			       ./rag eval fire2017 [--modes hybrid,citations:hybrid] [--forms contexts,whole] [--limit-queries N --limit-prior N: N cases, the prior cases they cite and N distractors] [--skip-queries N: after the first N cases]
			                        [--folds 5: the form/mode chosen on the other folds' cases, scored on each fold]
			       ./rag eval biker [--modules java.base,java.sql] [--jdk-src <JDK>/lib/src.zip] [--queries biker-test.csv]
			                        [--split test|dev: dev = --dev-size 500 questions of biker-train-qa.csv, no near-copy of a test one, --seed 27]
			                        [--examples biker-train-qa.csv] [--modes dense,lexical,hybrid,examples,examples+dense,examples+hybrid,recommend]
			       ./rag eval compare <a.json> <b.json> [--tolerance 0.005] [--show 10: questions won and lost listed per mode]
			options: --modes dense,lexical,hybrid (any of them +rerank: e.g. hybrid+rerank)  --split test  --collection <name>
			         --model <embedding model of a collection the run creates, e.g. bge-small-en-v1.5-int8>
			         --late-interaction <token vectors of a collection the run creates: binary, int8, float32, none>
			         --datasets ../shared/datasets  --reports reports
			         --ingest-url http://127.0.0.1:8081  --retrieval-url http://127.0.0.1:8083  --llm-url http://127.0.0.1:8085""";

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
					Double.parseDouble(options.getOrDefault("tolerance", "0.005")),
					Integer.parseInt(options.getOrDefault("show", "10"))));
		}
		Path datasets = Path.of(options.getOrDefault("datasets", "../shared/datasets"));
		Platform platform = new Platform(URI.create(options.getOrDefault("ingest-url", "http://127.0.0.1:8081")),
				URI.create(options.getOrDefault("retrieval-url", "http://127.0.0.1:8083")),
				URI.create(options.getOrDefault("llm-url", "http://127.0.0.1:8085")), options.get("model"),
				options.get("late-interaction"));
		List<String> modes = Arrays.asList(options.getOrDefault("modes", "dense,lexical,hybrid").split(","));
		if ("fire2017".equals(positional.get(0))) {
			List<String> fireModes = Arrays.asList(options.getOrDefault("modes", "hybrid").split(","));
			finish(options, new FireSuite(platform).run(datasets.resolve("fire2017-precedent"),
					options.getOrDefault("collection", "eval-fire2017"), fireModes,
					Arrays.asList(options.getOrDefault("forms", "contexts,whole").split(",")),
					Integer.parseInt(options.getOrDefault("limit-prior", "0")),
					Integer.parseInt(options.getOrDefault("limit-queries", "0")),
					Integer.parseInt(options.getOrDefault("skip-queries", "0")),
					Integer.parseInt(options.getOrDefault("folds", "5"))), args);
			return;
		}
		if ("biker".equals(positional.get(0))) {
			Path jdkSources = Path.of(options.getOrDefault("jdk-src",
					Path.of(System.getProperty("java.home"), "lib", "src.zip").toString()));
			List<String> modules = Arrays.asList(options.getOrDefault("modules", "java.base,java.sql").split(","));
			List<String> bikerModes = Arrays.asList(options
				.getOrDefault("modes", "dense,lexical,hybrid,examples,examples+dense,examples+hybrid")
				.split(","));
			Path testCsv = Path.of(options.getOrDefault("queries", datasets.resolve("biker/biker-test.csv").toString()));
			Path examplesCsv = Path.of(options.getOrDefault("examples",
					datasets.resolve("biker/biker-train-qa.csv").toString()));
			String split = options.getOrDefault("split", "test");
			List<BikerSuite.Query> questions = switch (split) {
				case "test" -> BikerSuite.load(testCsv);
				case "dev" -> BikerSuite.devQueries(examplesCsv, testCsv,
						Integer.parseInt(options.getOrDefault("dev-size", "500")),
						Long.parseLong(options.getOrDefault("seed", "27")), BikerSuite.inModules(jdkSources, modules));
				default -> throw new IllegalArgumentException("--split " + split + ": use test or dev");
			};
			String questionSet = split.equals("dev") ? "dev"
					: testCsv.getFileName().toString().replaceAll("\\.csv$", "");
			System.err.printf("biker: %d %s questions%n", questions.size(), questionSet);
			Report.Result result = new BikerSuite(platform).run(questions, questionSet, examplesCsv,
					jdkSources, modules, options.getOrDefault("collection", "eval-jdk-api"),
					options.getOrDefault("examples-collection", "eval-biker-examples"), bikerModes);
			finish(options, result, args);
			return;
		}
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
		String split = options.getOrDefault("split", "test");
		if (split.equals("train") && modes.stream().anyMatch((m) -> m.contains("@labels") || m.contains("@distill"))) {
			System.err.println("--split train: the @labels and @distill adapters are trained on the train split, "
					+ "so they cannot be evaluated on it; use --split test, or dev where the folder has one");
			System.exit(2);
		}
		BeirDataset data = BeirDataset.load(dir, split);
		String collection = options.getOrDefault("collection",
				"eval-" + data.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-"));
		System.err.printf("%s: %,d documents, %,d judged queries (%s), collection %s%n", data.name(),
				data.corpus().size(), data.queries().size(), options.getOrDefault("split", "test"), collection);
		finish(options, new BeirSuite(platform).run(data, dir, collection, modes), args);
	}

	private static void finish(Map<String, String> options, Report.Result result, String[] args) throws Exception {
		List<Path> files = Report.write(Path.of(options.getOrDefault("reports", "reports")), result,
				"./rag eval " + String.join(" ", args));
		System.out.println(java.nio.file.Files.readString(files.get(1)));
		System.out.println("reports: " + files);
	}

}
