package dev.ragplatform.embedding;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.ragplatform.embedding.config.EmbeddingProperties;
import dev.ragplatform.embedding.model.EmbeddingModels;
import dev.ragplatform.embedding.model.EmbeddingModels.LoadedModel;
import dev.ragplatform.embedding.model.Vectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./rag bench embedding}: throughput and latency of the service over HTTP, of raw in-process ONNX
 * Runtime on the same inputs (length-sorted batches), and of LangChain4j's in-process model (the peer), in one
 * run, with the ratios. {@code --quality} adds SciFact nDCG@10 of fp32 and int8 (embeds the whole corpus).
 * <p>
 * Inputs: a deterministic mix of SciFact abstracts (title + text) and claims from {@code ../shared/datasets}.
 */
public final class EmbeddingBenchmark {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

	private EmbeddingBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		Path scifact = Path.of(options.getOrDefault("datasets", "../shared/datasets")).resolve("scifact");
		if (!Files.isDirectory(scifact)) {
			throw new IllegalArgumentException("SciFact not found at " + scifact.toAbsolutePath()
					+ " (pass --datasets <dir> or set RAG_DATASETS)");
		}
		int passages = Integer.parseInt(options.getOrDefault("passages", "300"));
		int queries = Integer.parseInt(options.getOrDefault("queries", "300"));
		String encoding = options.getOrDefault("encoding", "base64");
		List<Integer> concurrencies = Arrays.stream(options.getOrDefault("concurrency", "1,8,32").split(","))
			.map(Integer::parseInt).toList();
		List<String> models = List.of(options.getOrDefault("models", "bge-small-en-v1.5,bge-small-en-v1.5-int8").split(","));

		List<String> texts = mixedCorpus(scifact, passages, queries);
		System.out.printf(Locale.ROOT, "%nEmbedding benchmark: %d texts (%d SciFact abstracts + %d claims), %d cores, "
				+ "Java %s%n", texts.size(), passages, queries, Runtime.getRuntime().availableProcessors(),
				Runtime.version());

		List<String> appArgs = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--logging.level.root=warn", "--spring.main.banner-mode=off"));
		options.forEach((key, value) -> {
			if (key.startsWith("rag.")) {
				appArgs.add("--" + key + "=" + value); // service settings to compare, e.g. --rag.embedding.batching.workers 2
			}
		});
		ConfigurableApplicationContext app = SpringApplication.run(EmbeddingServiceApplication.class,
				appArgs.toArray(String[]::new));
		try {
			int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
			EmbeddingModels loaded = app.getBean(EmbeddingModels.class);
			EmbeddingProperties.Batching config = app.getBean(EmbeddingProperties.class).batching();
			Batching fixed32 = new Batching(Integer.MAX_VALUE, 32, config.workers());
			Batching service = new Batching(config.maxBatchTokens(), config.maxBatchSize(), config.workers());
			Map<String, Double> rawTokensPerSecond = new LinkedHashMap<>();
			for (String model : models) {
				LoadedModel m = loaded.get(model);
				System.out.printf(Locale.ROOT, "%n== %s (%s)%n", model, m.descriptor().dtype());
				System.out.printf(Locale.ROOT, "%-50s %10s %11s %9s %9s%n", "", "passages/s", "tokens/s", "p50 ms",
						"p99 ms");
				raw(m, texts, fixed32).print("raw ONNX Runtime, " + fixed32.describe());
				Result raw = raw(m, texts, service);
				rawTokensPerSecond.put(model, raw.tokensPerSecond());
				raw.print("raw ONNX Runtime, " + service.describe());
				Map<Integer, Result> overHttp = new LinkedHashMap<>();
				for (int c : concurrencies) {
					overHttp.put(c, httpPass(port, model, texts, c, 1, encoding));
				}
				Result bulk = httpPass(port, model, texts, 4, 16, encoding);
				Result peer = peer(model, texts, raw.tokens());
				peer.print("LangChain4j in-process (embedAll)");
				int top = concurrencies.get(concurrencies.size() - 1);
				System.out.printf(Locale.ROOT, "ratios: service@%d / raw = %.2f   service 16/request / raw = %.2f   "
						+ "service@%d / LangChain4j = %.2f   service 16/request / LangChain4j = %.2f   raw / LangChain4j = %.2f%n",
						top, overHttp.get(top).tokensPerSecond() / raw.tokensPerSecond(),
						bulk.tokensPerSecond() / raw.tokensPerSecond(), top,
						overHttp.get(top).tokensPerSecond() / peer.tokensPerSecond(),
						bulk.tokensPerSecond() / peer.tokensPerSecond(), raw.tokensPerSecond() / peer.tokensPerSecond());
			}
			if (rawTokensPerSecond.size() == 2) {
				var it = rawTokensPerSecond.values().iterator();
				double fp32 = it.next();
				System.out.printf(Locale.ROOT, "%nint8 / fp32 (raw tokens/s) = %.2f%n", it.next() / fp32);
			}
			if (options.containsKey("quality")) {
				quality(scifact, loaded, models, service);
			}
		}
		finally {
			app.close();
		}
	}

	/** Tokenise, sort by length, run in batches: the least the service could do with the same model. */
	static Result raw(LoadedModel model, List<String> texts, Batching batching) {
		embedRaw(model, texts.subList(0, Math.min(64, texts.size())), batching); // warm-up
		long started = System.nanoTime();
		long tokens = embedRaw(model, texts, batching).tokens();
		long elapsed = System.nanoTime() - started;
		return new Result(texts.size(), tokens, elapsed, null);
	}

	/** How raw inference cuts length-sorted inputs into batches and how many workers run them. */
	record Batching(int maxBatchTokens, int maxBatchSize, int workers) {

		String describe() {
			return ((this.maxBatchTokens == Integer.MAX_VALUE) ? "batches of " + this.maxBatchSize
					: "<= " + this.maxBatchTokens + " tokens/batch") + ", " + this.workers + " worker(s)";
		}

	}

	record Embedded(List<float[]> vectors, long tokens) {
	}

	static Embedded embedRaw(LoadedModel model, List<String> texts, Batching batching) {
		List<long[]> ids = model.tokenizer().encode(texts, true);
		Integer[] order = new Integer[ids.size()];
		for (int i = 0; i < order.length; i++) {
			order[i] = i;
		}
		Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids.get(i).length));
		List<int[]> batches = new ArrayList<>(); // [start, end) into order
		long tokens = 0;
		int start = 0;
		while (start < order.length) {
			int end = start;
			int longest = 0;
			while (end < order.length && end - start < batching.maxBatchSize()) {
				int candidate = Math.max(longest, ids.get(order[end]).length);
				if (end > start && (long) candidate * (end - start + 1) > batching.maxBatchTokens()) {
					break;
				}
				longest = candidate;
				tokens += ids.get(order[end]).length;
				end++;
			}
			batches.add(new int[] { start, end });
			start = end;
		}
		float[][] vectors = new float[ids.size()][];
		AtomicInteger next = new AtomicInteger();
		try (var executor = Executors.newFixedThreadPool(batching.workers())) {
			for (int w = 0; w < batching.workers(); w++) {
				executor.submit(() -> {
					int b;
					while ((b = next.getAndIncrement()) < batches.size()) {
						int[] range = batches.get(b);
						List<long[]> batch = new ArrayList<>();
						for (int k = range[0]; k < range[1]; k++) {
							batch.add(ids.get(order[k]));
						}
						float[][] out = model.encoder().encode(batch);
						for (int k = 0; k < out.length; k++) {
							Vectors.normalize(out[k]);
							vectors[order[range[0] + k]] = out[k];
						}
					}
				});
			}
		}
		return new Embedded(Arrays.asList(vectors), tokens);
	}

	/** One pass over HTTP, printed with the batches the service formed. */
	static Result httpPass(int port, String model, List<String> texts, int concurrency, int perRequest, String encoding)
			throws Exception {
		BatchStats before = BatchStats.read(port, model);
		Result r = http(port, model, texts, concurrency, perRequest, encoding);
		BatchStats after = BatchStats.read(port, model);
		long batches = Math.max(1, after.batches() - before.batches());
		r.print("service over HTTP, " + perRequest + " input(s)/request, concurrency " + concurrency);
		System.out.printf(Locale.ROOT, "%-50s (%s; warm-up included: %d batches, %.1f inputs/batch, %.0f %% padding)%n",
				"", encoding, batches, (after.inputs() - before.inputs()) / batches,
				100 * (after.padding() - before.padding()) / batches);
		return r;
	}

	/** {@code perRequest} texts per request, {@code concurrency} clients at once, until every text is embedded. */
	static Result http(int port, String model, List<String> texts, int concurrency, int perRequest, String encoding)
			throws Exception {
		HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
		URI uri = URI.create("http://127.0.0.1:" + port + "/v1/embeddings");
		runHttp(http, uri, model, texts.subList(0, Math.min(64, texts.size())), concurrency, perRequest, encoding);
		return runHttp(http, uri, model, texts, concurrency, perRequest, encoding);
	}

	private static Result runHttp(HttpClient http, URI uri, String model, List<String> texts, int concurrency,
			int perRequest, String encoding) throws Exception {
		AtomicInteger next = new AtomicInteger();
		AtomicLong tokens = new AtomicLong();
		int requests = (texts.size() + perRequest - 1) / perRequest;
		long[] latencies = new long[requests];
		long started = System.nanoTime();
		try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> workers = new ArrayList<>();
			for (int w = 0; w < concurrency; w++) {
				workers.add(executor.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < requests) {
						List<String> input = texts.subList(i * perRequest, Math.min(texts.size(), (i + 1) * perRequest));
						// base64, as the official OpenAI SDKs ask for it: smaller and cheaper to write and read than floats
						String body = JSON.writeValueAsString(
								Map.of("input", input, "model", model, "encoding_format", encoding));
						long t0 = System.nanoTime();
						HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
						latencies[i] = System.nanoTime() - t0;
						if (response.statusCode() != 200) {
							throw new IllegalStateException(response.statusCode() + " " + response.body());
						}
						JsonNode json = JSON.readTree(response.body());
						tokens.addAndGet(json.at("/usage/prompt_tokens").longValue());
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		return new Result(texts.size(), tokens.get(), System.nanoTime() - started, latencies);
	}

	/** LangChain4j's in-process model on the same texts (the same tokens: the same tokenizer and model). */
	static Result peer(String model, List<String> texts, long tokens) {
		EmbeddingModel peer = model.endsWith("int8") ? new BgeSmallEnV15QuantizedEmbeddingModel()
				: new BgeSmallEnV15EmbeddingModel();
		List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
		peer.embedAll(segments.subList(0, Math.min(64, segments.size()))); // warm-up
		long started = System.nanoTime();
		peer.embedAll(segments);
		long elapsed = System.nanoTime() - started;
		return new Result(texts.size(), tokens, elapsed, null);
	}

	/** SciFact test nDCG@10 for each model: the quality side of int8 vs fp32 (embeds the whole corpus). */
	static void quality(Path scifact, EmbeddingModels loaded, List<String> models, Batching batch) throws IOException {
		Map<String, String> corpus = new LinkedHashMap<>();
		for (String line : Files.readAllLines(scifact.resolve("corpus.jsonl"))) {
			JsonNode doc = JSON.readTree(line);
			corpus.put(doc.get("_id").asString(), doc.get("title").asString() + " " + doc.get("text").asString());
		}
		Map<String, String> queries = new HashMap<>();
		for (String line : Files.readAllLines(scifact.resolve("queries.jsonl"))) {
			JsonNode q = JSON.readTree(line);
			queries.put(q.get("_id").asString(), q.get("text").asString());
		}
		Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
		List<String> qrelLines = Files.readAllLines(scifact.resolve("qrels/test.tsv"));
		for (String line : qrelLines.subList(1, qrelLines.size())) {
			String[] f = line.split("\t");
			qrels.computeIfAbsent(f[0], (k) -> new HashMap<>()).put(f[1], Integer.parseInt(f[2]));
		}
		List<String> docIds = new ArrayList<>(corpus.keySet());
		List<String> queryIds = new ArrayList<>(qrels.keySet());
		System.out.printf(Locale.ROOT, "%n== SciFact quality: %d documents, %d test queries (published bge-small nDCG@10 0.713)%n",
				docIds.size(), queryIds.size());
		Map<String, List<float[]>> docVectors = new LinkedHashMap<>();
		Map<String, List<float[]>> queryVectors = new LinkedHashMap<>();
		for (String model : models) {
			LoadedModel m = loaded.get(model);
			long started = System.nanoTime();
			docVectors.put(model, embedRaw(m, new ArrayList<>(corpus.values()), batch).vectors());
			queryVectors.put(model,
					embedRaw(m, queryIds.stream().map((id) -> QUERY_INSTRUCTION + queries.get(id)).toList(), batch)
						.vectors());
			System.out.printf(Locale.ROOT, "%-44s nDCG@10 = %.4f   (corpus embedded in %.0f s)%n", model,
					ndcgAt10(docVectors.get(model), queryVectors.get(model), docIds, queryIds, qrels),
					(System.nanoTime() - started) / 1e9);
		}
		if (models.size() == 2) {
			// documents are nearly all of the tokens: the int8 model for them, the exact one for short queries
			System.out.printf(Locale.ROOT, "%-44s nDCG@10 = %.4f%n", models.get(1) + " documents, " + models.get(0)
					+ " queries", ndcgAt10(docVectors.get(models.get(1)), queryVectors.get(models.get(0)), docIds,
							queryIds, qrels));
		}
	}

	static double ndcgAt10(List<float[]> docs, List<float[]> queries, List<String> docIds, List<String> queryIds,
			Map<String, Map<String, Integer>> qrels) {
		double total = 0;
		for (int q = 0; q < queryIds.size(); q++) {
			float[] query = queries.get(q);
			Integer[] order = new Integer[docs.size()];
			double[] scores = new double[docs.size()];
			for (int d = 0; d < docs.size(); d++) {
				order[d] = d;
				scores[d] = dot(query, docs.get(d));
			}
			Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
			total += ndcgAt10(order, docIds, qrels.get(queryIds.get(q)));
		}
		return total / queryIds.size();
	}

	static double ndcgAt10(Integer[] ranking, List<String> docIds, Map<String, Integer> relevant) {
		double dcg = 0;
		for (int r = 0; r < 10 && r < ranking.length; r++) {
			int gain = relevant.getOrDefault(docIds.get(ranking[r]), 0);
			dcg += gain / (Math.log(r + 2) / Math.log(2));
		}
		List<Integer> ideal = new ArrayList<>(relevant.values());
		ideal.sort(Collections.reverseOrder());
		double idcg = 0;
		for (int r = 0; r < 10 && r < ideal.size(); r++) {
			idcg += ideal.get(r) / (Math.log(r + 2) / Math.log(2));
		}
		return (idcg == 0) ? 0 : dcg / idcg;
	}

	private static double dot(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) {
			s += a[i] * b[i];
		}
		return s;
	}

	static List<String> mixedCorpus(Path scifact, int passages, int queries) throws IOException {
		List<String> abstracts = new ArrayList<>();
		try (var lines = Files.lines(scifact.resolve("corpus.jsonl"))) {
			lines.limit(passages).forEach((line) -> {
				JsonNode doc = JSON.readTree(line);
				abstracts.add(doc.get("title").asString() + " " + doc.get("text").asString());
			});
		}
		List<String> claims = new ArrayList<>();
		try (var lines = Files.lines(scifact.resolve("queries.jsonl"))) {
			lines.limit(queries).forEach((line) -> claims.add(JSON.readTree(line).get("text").asString()));
		}
		List<String> mixed = new ArrayList<>(abstracts);
		mixed.addAll(claims);
		Collections.shuffle(mixed, new Random(42));
		return mixed;
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument " + args[i]);
			}
			String key = args[i].substring(2);
			if (key.equals("quality")) {
				options.put(key, "true");
			}
			else if (i + 1 < args.length) {
				options.put(key, args[++i]);
			}
			else {
				throw new IllegalArgumentException("--" + key + " needs a value");
			}
		}
		return options;
	}

	/** Cumulative batch counters of one model, scraped from the service's Prometheus endpoint. */
	record BatchStats(long batches, double inputs, double padding) {

		static BatchStats read(int port, String model) throws Exception {
			String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
					URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString()).body();
			return new BatchStats((long) metric(text, "rag_embedding_batch_size_count", model),
					metric(text, "rag_embedding_batch_size_sum", model),
					metric(text, "rag_embedding_batch_padding_ratio_sum", model));
		}

		private static double metric(String text, String name, String model) {
			for (String line : text.split("\n")) {
				if (line.startsWith(name + "{") && line.contains("model=\"" + model + "\"")) {
					return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				}
			}
			return 0;
		}

	}

	/** One measured pass: texts and their tokens (special tokens included) in so many nanoseconds. */
	record Result(int texts, long tokens, long nanos, long[] latencies) {

		double seconds() {
			return this.nanos / 1e9;
		}

		double tokensPerSecond() {
			return this.tokens / seconds();
		}

		void print(String label) {
			String p50 = "-";
			String p99 = "-";
			if (this.latencies != null) {
				long[] sorted = this.latencies.clone();
				Arrays.sort(sorted);
				p50 = String.format(Locale.ROOT, "%.1f", sorted[sorted.length / 2] / 1e6);
				p99 = String.format(Locale.ROOT, "%.1f", sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6);
			}
			System.out.printf(Locale.ROOT, "%-50s %10.1f %11.0f %9s %9s%n", label, this.texts / seconds(),
					tokensPerSecond(), p50, p99);
		}

	}

}
