package dev.ragplatform.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.testsupport.BenchOutput;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import dev.ragplatform.testsupport.ZipkinServer;

/**
 * {@code ./rag bench gateway}: the latency the gateway adds. A real embedding-service and the gateway (both from
 * their jars, full JIT) run on loopback; one client alternates the same request sent to the service directly and
 * through the gateway (API key checked, rate limit taken, circuit breaker, path rewriting, request id), so both see
 * the same machine load. Reported per endpoint: p50 and p99 of each path and their difference, with tracing off and
 * on ({@code --tracing off,on}: both services started afresh for each), and what tracing adds to the gateway's p50.
 */
public final class GatewayBenchmark {

	private static final String KEY = "rag_gatewayBenchmark-admin-key-0123456789abcdef";

	private GatewayBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int requests = intArg(args, "--requests", 2000);
		int warmup = intArg(args, "--warmup", 1000);
		// rounds of each mode, alternating, so that drift in the machine's load falls on both alike
		List<String> modes = List.of(stringArg(args, "--tracing", "off,on,off,on").split(","));
		BenchOutput out = BenchOutput.start("gateway", "latency added by the gateway, against calling the service directly",
				args);
		ZipkinServer zipkin = modes.contains("on")
				? ZipkinServer.start(Path.of(stringArg(args, "--zipkin-jar", "target/zipkin/zipkin-server.jar"))) : null;
		PostgresDatabase db = RealInfrastructure.postgres(GatewayBenchmark.class);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		BenchOutput.Table table = out.table(String.format("%,d requests each way, one client, alternating", requests),
				"tracing: endpoint", "direct p50 ms", "direct p99 ms", "gateway p50 ms", "gateway p99 ms",
				"added p50 ms", "added p99 ms");
		// added p50 by endpoint, per tracing mode, one per round
		Map<String, Map<String, List<Double>>> added = new LinkedHashMap<>();
		try {
			for (String mode : modes) {
				List<String> tracing = ZipkinServer.serviceArgs(mode, zipkin);
				List<String> embeddingArgs = new ArrayList<>(List.of("--rag.embedding.built-in-models=bge-small-en-v1.5"));
				embeddingArgs.addAll(tracing);
				ServiceProcess embedding = ServiceProcess.start("embedding-service", "1g", embeddingArgs);
				List<String> gatewayArgs = new ArrayList<>(List.of("--spring.datasource.url=" + db.jdbcUrl(),
						"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
						"--rag.gateway.bootstrap-key=" + KEY, "--rag.gateway.services.embedding.url=" + embedding.url(),
						"--rag.gateway.rate-limit.replenish-rate=1000000", "--rag.gateway.rate-limit.burst-capacity=1000000",
						// health on the one port ServiceProcess watches
						"--management.server.port=${server.port}"));
				gatewayArgs.addAll(tracing);
				ServiceProcess gateway = ServiceProcess.start("gateway", "512m", gatewayArgs);
				try {
					Case models = new Case("GET /v1/models (tiny JSON)", get(embedding.url().resolve("/v1/models")),
							get(gateway.url().resolve("/api/v1/embeddings/models")));
					String body = "{\"input\": \"how do I reset my password\", \"model\": \"bge-small-en-v1.5\"}";
					Case embed = new Case("POST /v1/embeddings (one short input)",
							post(embedding.url().resolve("/v1/embeddings"), body),
							post(gateway.url().resolve("/api/v1/embeddings"), body));
					for (Case c : List.of(models, embed)) {
						measure(http, c, warmup);
						double[][] times = measure(http, c, requests);
						double d50 = percentile(times[0], 50);
						double d99 = percentile(times[0], 99);
						double g50 = percentile(times[1], 50);
						double g99 = percentile(times[1], 99);
						table.row(mode + ": " + c.name(), d50, d99, g50, g99, g50 - d50, g99 - d99);
						out.ratio("tracing " + mode + ": gateway/direct p50, " + c.name(), g50 / d50);
						added.computeIfAbsent(c.name(), (k) -> new LinkedHashMap<>())
							.computeIfAbsent(mode, (k) -> new ArrayList<>())
							.add(g50 - d50);
					}
				}
				finally {
					gateway.stop();
					embedding.stop();
				}
			}
		}
		finally {
			if (zipkin != null) {
				zipkin.stop();
			}
		}
		if (modes.contains("on") && modes.contains("off")) {
			added.forEach((endpoint, byMode) -> {
				double on = byMode.get("on").stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				double off = byMode.get("off").stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				out.note("%s: tracing on adds %.3f ms to the gateway's p50 (added p50 %.3f ms on, %.3f ms off, means of "
						+ "%d and %d rounds %s and %s); target: at most 0.3 ms", endpoint, on - off, on, off,
						byMode.get("on").size(), byMode.get("off").size(), rounds(byMode.get("on")), rounds(byMode.get("off")));
			});
		}
		out.note("added = gateway minus direct at the same percentile; target: at most 2 ms at p50");
		out.note("client, gateway and embedding-service share the machine's %d cores; the gateway checks a cached API "
				+ "key, takes an in-memory rate-limit token, and goes through the service's circuit breaker; each tracing "
				+ "mode starts both services afresh (off: no tracer; on: sampling 1.0, spans sent to a Zipkin server "
				+ "on this machine)", Runtime.getRuntime().availableProcessors());
		out.finish();
	}

	private record Case(String name, HttpRequest direct, HttpRequest gateway) {
	}

	/** Alternates direct and gateway calls; returns their latencies in ms. */
	private static double[][] measure(HttpClient http, Case c, int n) throws IOException, InterruptedException {
		double[] direct = new double[n];
		double[] gateway = new double[n];
		for (int i = 0; i < n; i++) {
			direct[i] = time(http, c.direct());
			gateway[i] = time(http, c.gateway());
		}
		return new double[][] { direct, gateway };
	}

	private static double time(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
		long start = System.nanoTime();
		HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		long nanos = System.nanoTime() - start;
		if (response.statusCode() != 200) {
			throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
					+ new String(response.body()));
		}
		return nanos / 1e6;
	}

	private static HttpRequest get(URI uri) {
		return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).GET().build();
	}

	private static HttpRequest post(URI uri, String json) {
		return HttpRequest.newBuilder(uri)
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	static double percentile(double[] values, double p) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static String rounds(List<Double> values) {
		return values.stream().map((v) -> String.format(java.util.Locale.ROOT, "%.3f", v)).toList().toString();
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
