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
import dev.ragplatform.testsupport.BenchOutput;
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
		BenchOutput out = BenchOutput.start("embedding", String.format(Locale.ROOT,
				"%d texts (%d SciFact abstracts + %d claims), %s encoding", texts.size(), passages, queries, encoding),
				args);

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
				BenchOutput.Table table = out.table(model + " (" + m.descriptor().dtype() + ")", "run", "passages/s",
						"tokens/s", "p50 ms", "p99 ms", "inputs/batch", "padding %");
				raw(m, texts, fixed32).addTo(table, "raw ONNX Runtime, " + fixed32.describe(), null);
				Result raw = raw(m, texts, service);
				rawTokensPerSecond.put(model, raw.tokensPerSecond());
				raw.addTo(table, "raw ONNX Runtime, " + service.describe(), null);
				Map<Integer, Result> overHttp = new LinkedHashMap<>();
				for (int c : concurrencies) {
					overHttp.put(c, httpPass(table, port, model, texts, c, 1, encoding));
				}
				Result bulk = httpPass(table, port, model, texts, 4, 16, encoding);
				Result peer = peer(model, texts, raw.tokens());
				peer.addTo(table, "LangChain4j in-process (embedAll)", null);
				int top = concurrencies.get(concurrencies.size() - 1);
				out.ratio(model + ": service@" + top + " / raw", overHttp.get(top).tokensPerSecond() / raw.tokensPerSecond());
				out.ratio(model + ": service 16/request / raw", bulk.tokensPerSecond() / raw.tokensPerSecond());
				out.ratio(model + ": service@" + top + " / LangChain4j",
						overHttp.get(top).tokensPerSecond() / peer.tokensPerSecond());
				out.ratio(model + ": service 16/request / LangChain4j", bulk.tokensPerSecond() / peer.tokensPerSecond());
				out.ratio(model + ": raw / LangChain4j", raw.tokensPerSecond() / peer.tokensPerSecond());
			}
			if (rawTokensPerSecond.size() == 2) {
				var it = rawTokensPerSecond.values().iterator();
				double fp32 = it.next();
				out.ratio("int8 / fp32 (raw tokens/s)", it.next() / fp32);
			}
			out.note("HTTP passes include their warm-up; inputs/batch and padding are the batches the service formed");
			if (options.containsKey("quality")) {
				quality(out, scifact, loaded, models, service);
			}
		}
		finally {
			app.close();
		}
		out.finish();
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
	static Result httpPass(BenchOutput.Table table, int port, String model, List<String> texts, int concurrency,
			int perRequest, String encoding) throws Exception {
		BatchStats before = BatchStats.read(port, model);
		Result r = http(port, model, texts, concurrency, perRequest, encoding);
		BatchStats after = BatchStats.read(port, model);
		long batches = Math.max(1, after.batches() - before.batches());
		r.addTo(table, "service over HTTP, " + perRequest + " input(s)/request, concurrency " + concurrency,
				new double[] { (after.inputs() - before.inputs()) / batches,
						100 * (after.padding() - before.padding()) / batches });
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
	static void quality(BenchOutput out, Path scifact, EmbeddingModels loaded, List<String> models, Batching batch) throws IOException {
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
		BenchOutput.Table table = out.table(String.format(Locale.ROOT,
				"SciFact quality: %d documents, %d test queries (published bge-small nDCG@10 0.713)", docIds.size(),
				queryIds.size()), "model", "nDCG@10", "corpus embedded in s");
		Map<String, List<float[]>> docVectors = new LinkedHashMap<>();
		Map<String, List<float[]>> queryVectors = new LinkedHashMap<>();
		for (String model : models) {
			LoadedModel m = loaded.get(model);
			long started = System.nanoTime();
			docVectors.put(model, embedRaw(m, new ArrayList<>(corpus.values()), batch).vectors());
			queryVectors.put(model,
					embedRaw(m, queryIds.stream().map((id) -> QUERY_INSTRUCTION + queries.get(id)).toList(), batch)
						.vectors());
			table.row(model, ndcgAt10(docVectors.get(model), queryVectors.get(model), docIds, queryIds, qrels),
					(System.nanoTime() - started) / 1e9);
		}
		if (models.size() == 2) {
			// documents are nearly all of the tokens: the int8 model for them, the exact one for short queries
			table.row(models.get(1) + " documents, " + models.get(0) + " queries", ndcgAt10(
					docVectors.get(models.get(1)), queryVectors.get(models.get(0)), docIds, queryIds, qrels), null);
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

		/** A table row; {@code batches} is inputs per batch and padding %, when the service formed the batches. */
		void addTo(BenchOutput.Table table, String label, double[] batches) {
			Double p50 = null;
			Double p99 = null;
			if (this.latencies != null) {
				long[] sorted = this.latencies.clone();
				Arrays.sort(sorted);
				p50 = sorted[sorted.length / 2] / 1e6;
				p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
			}
			table.row(label, this.texts / seconds(), tokensPerSecond(), p50, p99,
					(batches != null) ? batches[0] : null, (batches != null) ? batches[1] : null);
		}

	}

}
