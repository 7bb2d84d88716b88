package dev.ragplatform.rerank;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.ragplatform.rerank.config.RerankProperties;
import dev.ragplatform.rerank.model.LateInteractionVectors;
import dev.ragplatform.rerank.model.RerankModels;
import dev.ragplatform.rerank.model.RerankOptions;
import dev.ragplatform.rerank.model.Reranker;
import dev.ragplatform.runtime.lateinteraction.MaxSim;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.testsupport.BenchOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./rag bench rerank}: latency and throughput of {@code POST /v1/rerank} over HTTP, one client and several,
 * beside the raw in-process scorer ({@link Reranker#score}: the same tokenizer, batcher and ONNX session, without
 * HTTP and JSON) in one run, with the ratios. Requests are SciFact test queries, each with N candidate abstracts
 * (title + text): its relevant documents, then the abstracts that follow the first of them in corpus order.
 * For a late-interaction model it also times issue 23's path, MaxSim over token vectors stored at index time in each
 * storage, against re-encoding in the same run ({@link #stored}).
 */
public final class RerankBenchmark {

	private static final JsonMapper JSON = JsonMapper.shared();

	private RerankBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i += 2) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --option value pairs, not " + args[i]);
			}
			options.put(args[i].substring(2), args[i + 1]);
		}
		Path scifact = Path.of(options.getOrDefault("datasets", "../shared/datasets")).resolve("scifact");
		if (!Files.isDirectory(scifact)) {
			throw new IllegalArgumentException("SciFact not found at " + scifact.toAbsolutePath()
					+ " (pass --datasets <dir> or set RAG_DATASETS)");
		}
		int queries = Integer.parseInt(options.getOrDefault("queries", "30"));
		int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "4"));
		List<Integer> sizes = Arrays.stream(options.getOrDefault("candidates", "20,50,100").split(","))
			.map(Integer::parseInt).toList();
		Map<Integer, List<Request>> requests = new LinkedHashMap<>();
		for (int n : sizes) {
			requests.put(n, requests(scifact, queries, n));
		}
		BenchOutput out = BenchOutput.start("rerank", String.format(Locale.ROOT,
				"%d SciFact test queries × %s candidate abstracts, 1 and %d clients", queries, sizes, concurrency), args);

		List<String> appArgs = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--logging.level.root=warn", "--spring.main.banner-mode=off"));
		// several clients × 100 candidates queue longer than the service's 30 s default deadline on 2 cores: the
		// benchmark measures throughput, not refusals
		options.putIfAbsent("rag.rerank.batching.request-timeout", "300s");
		options.forEach((key, value) -> {
			if (key.startsWith("rag.")) {
				appArgs.add("--" + key + "=" + value); // service settings, e.g. --rag.rerank.batching.workers 1
			}
		});
		ConfigurableApplicationContext app = SpringApplication.run(RerankServiceApplication.class,
				appArgs.toArray(String[]::new));
		try {
			int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
			RerankModels loaded = app.getBean(RerankModels.class);
			long timeout = app.getBean(RerankProperties.class).batching().requestTimeout().toNanos();
			List<String> models = options.containsKey("models") ? List.of(options.get("models").split(","))
					: loaded.all().stream().map((m) -> m.descriptor().name()).toList();
			HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
			URI uri = URI.create("http://127.0.0.1:" + port + "/v1/rerank");
			for (String model : models) {
				Reranker reranker = loaded.get(model);
				Call overHttp = (r) -> {
					String body = JSON.writeValueAsString(Map.of("model", model, "query", r.query(), "documents", r.documents()));
					HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() != 200) {
						throw new IllegalStateException(response.statusCode() + " " + response.body());
					}
					return JSON.readTree(response.body()).at("/usage/total_tokens").longValue();
				};
				Call raw = (r) -> reranker.score(r.query(), r.documents(),
						new RerankOptions(null, true, false, System.nanoTime() + timeout)).tokens();
				BenchOutput.Table table = out.table(model + " (" + reranker.descriptor().kind().wireName() + ")",
						"candidates, mode", "requests", "pairs/s", "tokens/s", "p50 ms", "p99 ms");
				List<String> batches = new ArrayList<>();
				for (int n : sizes) {
					List<Request> batch = requests.get(n);
					BatchStats before = BatchStats.read(http, port, model);
					Result http1 = pass(overHttp, batch, 1).addTo(table, n + ", service over HTTP, 1 client");
					Result httpC = pass(overHttp, batch, concurrency)
						.addTo(table, n + ", service over HTTP, " + concurrency + " clients");
					BatchStats after = BatchStats.read(http, port, model);
					Result raw1 = pass(raw, batch, 1).addTo(table, n + ", raw Reranker.score, 1 caller");
					Result rawC = pass(raw, batch, concurrency)
						.addTo(table, n + ", raw Reranker.score, " + concurrency + " callers");
					if (LateInteractionVectors.supports(reranker)) {
						stored(out, table, reranker, model, n, batch, raw1, timeout);
					}
					out.ratio(model + ": " + n + " candidates, service / raw (1 client)", http1.pairsPerSecond() / raw1.pairsPerSecond());
					out.ratio(model + ": " + n + " candidates, service / raw (" + concurrency + " clients)",
							httpC.pairsPerSecond() / rawC.pairsPerSecond());
					long formed = Math.max(1, after.batches() - before.batches());
					batches.add(String.format(Locale.ROOT, "%d candidates %.1f sequences/batch, %.1f%% padding", n,
							(after.sequences() - before.sequences()) / formed,
							100 * (after.padding() - before.padding()) / formed));
				}
				out.note("%s: batches the service formed in the HTTP passes (/actuator/prometheus): %s", model,
						String.join("; ", batches));
			}
			out.note("pairs = candidates scored; tokens as the service counts them (query included); each pass "
					+ "starts with one unmeasured warm-up request; raw = Reranker.score in-process (same batcher "
					+ "and ONNX session, no HTTP or JSON)");
		}
		finally {
			app.close();
		}
		out.finish();
	}

	/**
	 * Issue 23's path: the candidates' token vectors computed once (as at index time) and stored in each
	 * {@link TokenEncoding}; per request only the query is encoded, then MaxSim over the stored candidates on the
	 * common pool, as retrieval-service does. Prints latency, the ratio to re-encoding (raw, 1 caller), bytes per
	 * candidate and per 300 tokens, and how far each storage's ranking of the candidates is from float32's.
	 */
	static void stored(BenchOutput out, BenchOutput.Table table, Reranker reranker, String model, int n,
			List<Request> batch, Result reEncoding, long timeout) throws Exception {
		Map<Request, List<float[][]>> vectors = new java.util.IdentityHashMap<>();
		long tokens = 0;
		long candidates = 0;
		for (Request request : batch) {
			List<float[][]> passages = LateInteractionVectors.passages(reranker, request.documents(),
					System.nanoTime() + timeout);
			vectors.put(request, passages);
			for (float[][] p : passages) {
				tokens += p.length;
				candidates++;
			}
		}
		int dims = vectors.get(batch.get(0)).get(0)[0].length;
		Map<Request, float[]> exactScores = new java.util.IdentityHashMap<>();
		for (TokenEncoding encoding : TokenEncoding.values()) {
			Map<Request, byte[][]> stored = new java.util.IdentityHashMap<>();
			vectors.forEach((request, passages) -> stored.put(request,
					passages.stream().map(encoding::encode).toArray(byte[][]::new)));
			Map<Request, float[]> scores = new java.util.IdentityHashMap<>();
			Call call = (r) -> {
				float[][] query = LateInteractionVectors.query(reranker, r.query(), System.nanoTime() + timeout);
				MaxSim maxSim = new MaxSim(query);
				byte[][] texts = stored.get(r);
				float[] result = new float[texts.length];
				java.util.stream.IntStream.range(0, texts.length).parallel()
					.forEach((i) -> result[i] = maxSim.score(encoding, texts[i]));
				scores.put(r, result);
				return query.length;
			};
			Result pass = pass(call, batch, 1).addTo(table, n + ", stored " + encoding.id()
					+ " token vectors (query encoded, MaxSim), 1 client");
			out.ratio(model + ": " + n + " candidates, stored " + encoding.id() + " p50 / re-encoding p50",
					pass.p50() / reEncoding.p50());
			if (encoding == TokenEncoding.FLOAT32) {
				exactScores.putAll(scores);
			}
			else {
				double agree = 0;
				for (Request r : batch) {
					agree += topAgreement(exactScores.get(r), scores.get(r), 10);
				}
				out.note("%s, %d candidates, %s: %.3f of float32's top 10 kept in the top 10", model, n, encoding.id(),
						agree / batch.size());
			}
			if (n == batch.get(0).documents().size()) {
				out.note("%s: %s takes %d bytes a token, %.0f bytes a candidate on average (%.0f tokens), %d bytes a "
						+ "300-token chunk", model, encoding.id(), encoding.bytesPerToken(dims),
						((double) tokens * encoding.bytesPerToken(dims) + candidates * encoding.bytesPerText(dims))
								/ candidates,
						(double) tokens / candidates, encoding.bytesPerText(dims) + 300 * encoding.bytesPerToken(dims));
			}
		}
	}

	/** The share of {@code exact}'s first k that {@code approximate}'s first k hold. */
	static double topAgreement(float[] exact, float[] approximate, int k) {
		java.util.Set<Integer> a = top(exact, k);
		a.retainAll(top(approximate, k));
		return (double) a.size() / Math.min(k, exact.length);
	}

	private static java.util.Set<Integer> top(float[] scores, int k) {
		return java.util.stream.IntStream.range(0, scores.length).boxed()
			.sorted((x, y) -> Float.compare(scores[y], scores[x])).limit(k)
			.collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
	}

	/** One rerank request: a query and its candidate documents. */
	record Request(String query, List<String> documents) {
	}

	/** Sends one request and returns the tokens the model ran. */
	@FunctionalInterface
	interface Call {

		long run(Request request) throws Exception;

	}

	/** The first {@code count} test queries, each with its relevant abstracts then those after them, N in all. */
	static List<Request> requests(Path scifact, int count, int n) throws IOException {
		Map<String, String> corpus = new LinkedHashMap<>();
		for (String line : Files.readAllLines(scifact.resolve("corpus.jsonl"))) {
			JsonNode doc = JSON.readTree(line);
			corpus.put(doc.get("_id").asString(), doc.get("title").asString() + " " + doc.get("text").asString());
		}
		Map<String, String> texts = new HashMap<>();
		for (String line : Files.readAllLines(scifact.resolve("queries.jsonl"))) {
			JsonNode q = JSON.readTree(line);
			texts.put(q.get("_id").asString(), q.get("text").asString());
		}
		Map<String, List<String>> relevant = new LinkedHashMap<>();
		List<String> qrels = Files.readAllLines(scifact.resolve("qrels/test.tsv"));
		for (String line : qrels.subList(1, qrels.size())) {
			String[] f = line.split("\t");
			if (corpus.containsKey(f[1])) {
				relevant.computeIfAbsent(f[0], (k) -> new ArrayList<>()).add(f[1]);
			}
		}
		List<String> ids = new ArrayList<>(corpus.keySet());
		List<Request> requests = new ArrayList<>();
		for (var query : relevant.entrySet().stream().limit(count).toList()) {
			Set<String> chosen = new LinkedHashSet<>(query.getValue().subList(0, Math.min(n, query.getValue().size())));
			for (int i = ids.indexOf(query.getValue().get(0)) + 1; chosen.size() < Math.min(n, ids.size()); i++) {
				chosen.add(ids.get(i % ids.size()));
			}
			requests.add(new Request(texts.get(query.getKey()), chosen.stream().map(corpus::get).toList()));
		}
		return requests;
	}

	/** Every request once, {@code concurrency} callers at once, after one warm-up request. */
	static Result pass(Call call, List<Request> requests, int concurrency) throws Exception {
		call.run(requests.get(0));
		AtomicInteger next = new AtomicInteger();
		AtomicLong tokens = new AtomicLong();
		long[] latencies = new long[requests.size()];
		long started = System.nanoTime();
		try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> callers = new ArrayList<>();
			for (int c = 0; c < concurrency; c++) {
				callers.add(executor.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < requests.size()) {
						long t0 = System.nanoTime();
						tokens.addAndGet(call.run(requests.get(i)));
						latencies[i] = System.nanoTime() - t0;
					}
					return null;
				}));
			}
			for (Future<?> caller : callers) {
				caller.get();
			}
		}
		long pairs = requests.stream().mapToLong((r) -> r.documents().size()).sum();
		return new Result(requests.size(), pairs, tokens.get(), System.nanoTime() - started, latencies);
	}

	/** One measured pass: so many requests, pairs and tokens in so many nanoseconds. */
	record Result(int requests, long pairs, long tokens, long nanos, long[] latencies) {

		double pairsPerSecond() {
			return this.pairs / (this.nanos / 1e9);
		}

		double p50() {
			long[] sorted = this.latencies.clone();
			Arrays.sort(sorted);
			return sorted[sorted.length / 2] / 1e6;
		}

		Result addTo(BenchOutput.Table table, String label) {
			long[] sorted = this.latencies.clone();
			Arrays.sort(sorted);
			double p50 = sorted[sorted.length / 2] / 1e6;
			double p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
			table.row(label, this.requests, pairsPerSecond(), this.tokens / (this.nanos / 1e9), p50, p99);
			return this;
		}

	}

	/** Cumulative batch counters of one model, scraped from the service's Prometheus endpoint. */
	record BatchStats(long batches, double sequences, double padding) {

		static BatchStats read(HttpClient http, int port, String model) throws Exception {
			String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
				.build(), HttpResponse.BodyHandlers.ofString()).body();
			return new BatchStats((long) metric(text, "rag_rerank_batch_size_count", model),
					metric(text, "rag_rerank_batch_size_sum", model),
					metric(text, "rag_rerank_batch_padding_ratio_sum", model));
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

}
