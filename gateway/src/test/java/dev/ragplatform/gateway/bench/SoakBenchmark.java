package dev.ragplatform.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ragplatform.testsupport.BenchOutput;

/**
 * {@code ./rag bench soak}: the running platform ({@code ./rag up}) held at a key's documented rate limit
 * ({@code rag.gateway.rate-limit.replenish-rate}, 50 requests/s) through the gateway for ten minutes, open loop (a
 * request every 1/rate s whatever the answers): 60 % searches (hybrid, lexical and dense in turn), 30 % document
 * lists, 10 % document uploads. Reported per minute: answers by class and latency; per service, the live heap after
 * the last collection ({@code jvm_gc_live_data_size_bytes}) at the start and the end, which stays flat when nothing
 * leaks.
 */
public final class SoakBenchmark {

	private static final String[] WORDS = { "energy", "protein", "river", "contract", "court", "bail", "heart", "cell",
			"vaccine", "climate", "carbon", "glacier", "neuron", "enzyme", "market", "tax", "privacy", "evidence" };

	private static final Map<String, Integer> SERVICES = new LinkedHashMap<>(Map.of("gateway", 8090, "ingest-service",
			8081, "embedding-service", 8082, "retrieval-service", 8083, "rerank-service", 8084, "llm-adapter", 8085));

	private static final Pattern DOCUMENTS = Pattern.compile("\"documents\"\\s*:\\s*(\\d+)");

	private static final String[] KINDS = { "upload", "document list", "search hybrid", "search lexical",
			"search dense" };

	private SoakBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int minutes = intArg(args, "--minutes", 10);
		int rate = intArg(args, "--rate", 50);
		String pids = stringArg(args, "--pids", null);
		String key = System.getenv("RAG_API_KEY");
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("set RAG_API_KEY to an admin key (./rag up prints the bootstrap key)");
		}
		BenchOutput out = BenchOutput.start("soak", "the running platform at a key's rate limit, open loop", args);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		URI gateway = URI.create("http://127.0.0.1:8080");
		String collection = "soak-" + System.currentTimeMillis();
		send(http, post(gateway, "/api/v1/collections", key, "{\"name\":\"" + collection + "\"}"));
		for (int i = 0; i < 100; i++) {
			send(http, post(gateway, "/api/v1/collections/" + collection + "/documents", key, document(i)));
		}
		Map<String, Double> liveAtStart = liveHeap(http, pids);

		ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
		List<ConcurrentLinkedQueue<long[]>> perMinute = new ArrayList<>();
		Map<String, ConcurrentLinkedQueue<long[]>> perKind = new LinkedHashMap<>();
		for (String kind : KINDS) {
			perKind.put(kind, new ConcurrentLinkedQueue<>());
		}
		for (int m = 0; m < minutes; m++) {
			perMinute.add(new ConcurrentLinkedQueue<>());
		}
		AtomicInteger sequence = new AtomicInteger();
		Random random = new Random(7);
		long start = System.nanoTime();
		long intervalNanos = 1_000_000_000L / rate;
		clock.scheduleAtFixedRate(() -> {
			int n = sequence.getAndIncrement();
			int minute = (int) ((System.nanoTime() - start) / 60_000_000_000L);
			if (minute >= minutes) {
				return;
			}
			HttpRequest request = switch (n % 10) {
				case 0 -> post(gateway, "/api/v1/collections/" + collection + "/documents", key, document(100 + n));
				case 1, 2, 3 -> get(gateway, "/api/v1/collections/" + collection + "/documents?size=5", key);
				default -> post(gateway, "/api/v1/search", key, "{\"collection\":\"" + collection + "\",\"query\":\""
						+ WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)] + "\",\"mode\":\""
						+ List.of("hybrid", "lexical", "dense").get(n % 3) + "\",\"topK\":5}");
			};
			String kind = switch (n % 10) {
				case 0 -> KINDS[0];
				case 1, 2, 3 -> KINDS[1];
				default -> KINDS[2 + n % 3];
			};
			long sent = System.nanoTime();
			http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
				long[] result = { (failure != null) ? -1 : response.statusCode(), System.nanoTime() - sent };
				perMinute.get(minute).add(result);
				perKind.get(kind).add(result);
			});
		}, 0, intervalNanos, TimeUnit.NANOSECONDS);
		Thread.sleep(Duration.ofMinutes(minutes).plusSeconds(70));
		clock.shutdownNow();
		Map<String, Double> liveAtEnd = liveHeap(http, pids);

		BenchOutput.Table table = out.table(String.format("%d requests/s for %d minutes through the gateway, one key", rate,
				minutes), "minute", "requests", "2xx", "429", "other 4xx", "5xx", "failed", "p50 ms", "p99 ms");
		long errors = 0;
		long total = 0;
		for (int m = 0; m < minutes; m++) {
			long[][] results = perMinute.get(m).toArray(long[][]::new);
			long ok = count(results, 200, 300);
			long limited = count(results, 429, 430);
			long client = count(results, 400, 500) - limited;
			long server = count(results, 500, 600);
			long failed = count(results, -1, 0);
			double[] millis = Arrays.stream(results).mapToDouble((r) -> r[1] / 1e6).sorted().toArray();
			table.row(String.valueOf(m + 1), results.length, ok, limited, client, server, failed, percentile(millis, 50),
					percentile(millis, 99));
			errors += limited + client + server + failed;
			total += results.length;
		}
		BenchOutput.Table kinds = out.table("by request", "request", "requests", "2xx", "429", "other 4xx", "5xx",
				"failed", "p50 ms", "p99 ms");
		perKind.forEach((kind, queue) -> {
			long[][] results = queue.toArray(long[][]::new);
			long limited = count(results, 429, 430);
			double[] millis = Arrays.stream(results).mapToDouble((r) -> r[1] / 1e6).sorted().toArray();
			kinds.row(kind, results.length, count(results, 200, 300), limited, count(results, 400, 500) - limited,
					count(results, 500, 600), count(results, -1, 0), percentile(millis, 50), percentile(millis, 99));
		});
		BenchOutput.Table memory = out.table((pids != null) ? "heap in use after a full collection (jcmd GC.run), MB"
				: "live heap after the last major collection, MB", "service", "start", "end", "end/start");
		SERVICES.keySet().forEach((service) -> {
			Double before = liveAtStart.get(service);
			Double after = liveAtEnd.get(service);
			if (before != null && after != null) {
				memory.row(service, before / 1e6, after / 1e6, after / before);
			}
		});
		long uploaded = 100 + count(perKind.get(KINDS[0]).toArray(long[][]::new), 200, 300);
		long indexed = indexed(http, gateway, key, collection, uploaded);
		out.table("documents", "collection", "uploaded (2xx)", "indexed", "lost").row("soak collection", uploaded, indexed,
				uploaded - indexed);
		out.ratio("answers that were not 2xx, of " + total, (double) errors / Math.max(1, total));
		out.note("open loop on the platform's own 2 cores: client, six services, PostgreSQL and Kafka share them");
		out.finish();
	}

	/**
	 * Each service's heap after a collection: with {@code --pids} (a directory of {@code <service>.pid} files, as
	 * {@code ./rag up} writes them) a full collection is asked for with {@code jcmd GC.run} and the heap in use read
	 * right after; without, the live data size after the last major collection, which a short run may not have had.
	 */
	private static Map<String, Double> liveHeap(HttpClient http, String pids) {
		Map<String, Double> live = new LinkedHashMap<>();
		SERVICES.forEach((service, port) -> {
			try {
				if (pids != null) {
					String pid = Files.readString(Path.of(pids, service + ".pid")).strip();
					Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
					new ProcessBuilder(jcmd.toString(), pid, "GC.run").redirectErrorStream(true)
						.redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
				}
				HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
						URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
						HttpResponse.BodyHandlers.ofString());
				String metric = (pids != null) ? "jvm_memory_used_bytes{" : "jvm_gc_live_data_size_bytes";
				double bytes = metrics.body().lines()
					.filter((l) -> l.startsWith(metric) && (pids == null || l.contains("area=\"heap\"")))
					.mapToDouble((l) -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
				live.put(service, bytes);
			}
			catch (Exception ex) {
				// a service that does not answer has no figure
			}
		});
		return live;
	}

	/** The collection's indexed documents, once they reach {@code expected} or after two minutes. */
	private static long indexed(HttpClient http, URI gateway, String key, String collection, long expected)
			throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		long indexed;
		do {
			String body = http.send(get(gateway, "/api/v1/collections/" + collection, key),
					HttpResponse.BodyHandlers.ofString()).body();
			Matcher documents = DOCUMENTS.matcher(body);
			indexed = documents.find() ? Long.parseLong(documents.group(1)) : -1;
			if (indexed < expected) {
				Thread.sleep(1000);
			}
		}
		while (indexed < expected && System.nanoTime() < deadline);
		return indexed;
	}

	private static String document(int i) {
		return "{\"externalId\":\"soak-" + i + "\",\"text\":\"Soak document " + i + " about " + WORDS[i % WORDS.length]
				+ " and " + WORDS[(i * 7) % WORDS.length] + ". It has two sentences to chunk.\"}";
	}

	private static HttpRequest post(URI base, String path, String key, String json) {
		return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)).build();
	}

	private static HttpRequest get(URI base, String path, String key) {
		return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + key).GET().build();
	}

	private static void send(HttpClient http, HttpRequest request) throws Exception {
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
		}
	}

	private static long count(long[][] results, int from, int to) {
		return Arrays.stream(results).filter((r) -> r[0] >= from && r[0] < to).count();
	}

	private static double percentile(double[] sorted, double p) {
		return (sorted.length == 0) ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
	}

	private static String stringArg(String[] args, String name, String fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return fallback;
	}

	private static int intArg(String[] args, String name, int fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return Integer.parseInt(args[i + 1]);
			}
		}
		return fallback;
	}

}
