package dev.ragplatform.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.ragplatform.testsupport.BenchOutput;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./rag bench console}: how long the admin console's pages take to load in headless Chromium on a collection
 * of 50,000 documents, against the same pages on a collection of 50 in the same run. The five services and the
 * gateway run from their jars on one machine; one document of each collection goes through the whole pipeline (so
 * its page has text, chunks and history), the rest are written straight into ingest-service's tables as a bulk
 * import leaves them (mostly INDEXED, some FAILED, some waiting), their history rows by V7's trigger. A page load
 * is from the navigation to the page's data on screen: the documents list's table, the overview's collection row,
 * the document page's marked text. Reported: p50 and p99 of each page at each size, and the ratio.
 */
public final class ConsoleBenchmark {

	private static final String KEY = "rag_consoleBenchmark-admin-key-0123456789abcdef";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ConsoleBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int documents = intArg(args, "--documents", 50_000);
		int peer = intArg(args, "--peer", 50);
		int loads = intArg(args, "--loads", 20);
		BenchOutput out = BenchOutput.start("console", "admin console page loads on a large collection, against a small one",
				args);
		PostgresDatabase db = RealInfrastructure.postgres(Upstreams.class);
		ServiceProcess gateway = ServiceProcess.start("gateway", "512m", List.of("--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
				"--rag.gateway.bootstrap-key=" + KEY, "--rag.gateway.services.embedding.url=" + Upstreams.embedding(),
				"--rag.gateway.services.retrieval.url=" + Upstreams.retrieval(),
				"--rag.gateway.services.ingest.url=" + Upstreams.ingest(),
				"--rag.gateway.services.rerank.url=" + Upstreams.rerank(),
				"--rag.gateway.services.llm-adapter.url=" + Upstreams.llmAdapter(),
				"--rag.gateway.rate-limit.replenish-rate=1000000", "--rag.gateway.rate-limit.burst-capacity=1000000",
				"--management.server.port=${server.port}"));
		HttpClient http = HttpClient.newHttpClient();
		Path profile = Files.createTempDirectory("console-bench-chromium");
		try (HeadlessChromium chromium = HeadlessChromium.start(profile, Path.of("target", "bench-screenshots"))) {
			String large = "bench-large-" + UUID.randomUUID().toString().substring(0, 6);
			String small = "bench-small-" + UUID.randomUUID().toString().substring(0, 6);
			Map<String, String> pages = new java.util.LinkedHashMap<>();
			for (String[] c : List.of(new String[] { large, String.valueOf(documents) }, new String[] { small, String.valueOf(peer) })) {
				call(http, gateway, "POST", "/api/v1/collections", Map.of("name", c[0]));
				String id = call(http, gateway, "POST", "/api/v1/collections/" + c[0] + "/documents",
						Map.of("title", "Lighthouse notes", "text", text())).path("documentId").asString();
				awaitIndexed(http, gateway, c[0], id);
				long started = System.nanoTime();
				bulk(db, c[0], Integer.parseInt(c[1]) - 1);
				out.note("%s: %,d documents written in %.1f s", c[0], Integer.parseInt(c[1]) - 1,
						(System.nanoTime() - started) / 1e9);
				pages.put(c[0], id);
			}
			WebDriver browser = chromium.driver();
			String base = gateway.url().toString().replaceAll("/$", "");
			browser.get(base + "/admin/");
			new WebDriverWait(browser, Duration.ofSeconds(20)).until((d) -> !d.findElements(By.id("signin-key")).isEmpty());
			browser.findElement(By.id("signin-key")).sendKeys(KEY, org.openqa.selenium.Keys.ENTER);
			new WebDriverWait(browser, Duration.ofSeconds(20)).until((d) -> d.findElement(By.id("nav")).isDisplayed());

			BenchOutput.Table table = out.table(String.format("page load in headless Chromium, %d loads each after 3 warm-up loads", loads),
					"page", "documents", "p50 ms", "p99 ms", "ratio p50 to the small collection");
			for (String page : List.of("documents", "overview", "document")) {
				double[] smallTimes = null;
				for (String c : List.of(small, large)) {
					String hash = switch (page) {
						case "documents" -> "documents?collection=" + c;
						case "overview" -> "overview";
						default -> "document?collection=" + c + "&id=" + pages.get(c);
					};
					Function<WebDriver, Boolean> loaded = switch (page) {
						case "documents" -> (d) -> !d.findElements(By.cssSelector("#documents-list table")).isEmpty();
						case "overview" -> (d) -> d.findElement(By.id("main")).getText().contains(c);
						default -> (d) -> !d.findElements(By.cssSelector("#document-text .document-view")).isEmpty();
					};
					for (int i = 0; i < 3; i++) {
						load(browser, base, hash, loaded);
					}
					double[] times = new double[loads];
					for (int i = 0; i < loads; i++) {
						times[i] = load(browser, base, hash, loaded);
					}
					double p50 = percentile(times, 50);
					String ratio = (smallTimes == null) ? "–" : String.format("%.2f", p50 / percentile(smallTimes, 50));
					table.row(page, c.equals(large) ? documents : peer, p50, percentile(times, 99), ratio);
					smallTimes = (smallTimes == null) ? times : smallTimes;
				}
			}
			out.note("target: p50 ≤ 1,000 ms for each page at %,d documents on 2 cores", documents);
			out.finish();
		}
		finally {
			gateway.stop();
			System.exit(0); // the services started by Upstreams stop with this JVM
		}
	}

	private static int loadsSoFar;

	/** One navigation: a new query string, so that the page loads again, until its data is on screen; in ms. */
	private static double load(WebDriver browser, String base, String hash, Function<WebDriver, Boolean> loaded) {
		long started = System.nanoTime();
		browser.get(base + "/admin/?load=" + (++loadsSoFar) + "#/" + hash);
		new WebDriverWait(browser, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(5))
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until(loaded::apply);
		return (System.nanoTime() - started) / 1e6;
	}

	/**
	 * {@code count} documents of the collection as a bulk import leaves them, straight into ingest-service's tables
	 * (5 % FAILED at parse, 1 % waiting, and 5 of the newest 20 waiting too, so that the first page asks for their places
	 * in the queue; the rest INDEXED, each with 3 chunks and a stored content).
	 */
	private static void bulk(PostgresDatabase db, String collection, int count) throws Exception {
		try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				Statement s = c.createStatement()) {
			s.execute("""
					INSERT INTO ingest.documents (id, collection, external_id, version, status, failed_stage,
					    failure_reason, title, file_name, media_type, size_bytes, content_hash, content_sha256, metadata,
					    source, chunk_count, chunks_embedded, attempts, created_at, updated_at, indexed_at, queued_at)
					SELECT gen_random_uuid(), '%s', 'bulk-' || i, 1,
					       CASE WHEN i %% 100 = 0 OR i %% 4 = 1 AND i < 20 THEN 'RECEIVED' WHEN i %% 20 = 0 THEN 'FAILED'
					            ELSE 'INDEXED' END,
					       CASE WHEN i %% 20 = 0 AND i %% 100 <> 0 THEN 'parse' END,
					       CASE WHEN i %% 20 = 0 AND i %% 100 <> 0 THEN 'the PDF is cut short' END,
					       'Bulk document ' || i, 'bulk-' || i || '.txt', 'text/plain', 2000,
					       sha256(('bulk ' || i)::bytea), sha256(('content ' || i)::bytea), '{}', 'kafka', 3,
					       CASE WHEN i %% 20 = 0 THEN 0 ELSE 3 END, 1,
					       now() - i * interval '1 second', now() - i * interval '1 second',
					       CASE WHEN i %% 20 <> 0 THEN now() END, now()
					FROM generate_series(1, %d) AS i""".formatted(collection, count));
			s.execute("INSERT INTO ingest.contents (document_id, version, content, text) SELECT id, 1, "
					+ "convert_to(repeat('Bulk text. ', 180), 'UTF8'), repeat('Bulk text. ', 180) FROM ingest.documents "
					+ "WHERE collection = '" + collection + "' AND external_id LIKE 'bulk-%'");
			s.execute("ANALYZE ingest.documents");
			s.execute("ANALYZE ingest.document_history");
		}
	}

	private static void awaitIndexed(HttpClient http, ServiceProcess gateway, String collection, String id)
			throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode d = call(http, gateway, "GET", "/api/v1/collections/" + collection + "/documents/" + id, null);
			if ("INDEXED".equals(d.path("status").asString())) {
				return;
			}
			if ("FAILED".equals(d.path("status").asString())) {
				throw new IllegalStateException("the benchmark's document failed: " + d);
			}
			Thread.sleep(300);
		}
		throw new IllegalStateException("the benchmark's document was not indexed within 3 minutes");
	}

	private static JsonNode call(HttpClient http, ServiceProcess gateway, String method, String path, Object body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(gateway.url().resolve(path)).header("X-API-Key", KEY);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " → " + response.statusCode() + ": " + response.body());
		}
		return JSON.readTree(response.body());
	}

	/** A document of a few dozen sentences: several chunks to mark on its page. */
	private static String text() {
		List<String> sentences = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			sentences.add("The keeper of lighthouse " + i + " polishes its brass lantern every evening before the boats come in.");
		}
		return String.join(" ", sentences);
	}

	private static double percentile(double[] sorted, int p) {
		double[] copy = sorted.clone();
		Arrays.sort(copy);
		int index = (int) Math.ceil(p / 100.0 * copy.length) - 1;
		return copy[Math.max(0, Math.min(copy.length - 1, index))];
	}

	private static int intArg(String[] args, String name, int fallback) {
		for (int i = 0; i + 1 < args.length; i++) {
			if (args[i].equals(name)) {
				return Integer.parseInt(args[i + 1]);
			}
		}
		return fallback;
	}

}
