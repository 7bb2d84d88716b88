package dev.ragplatform.gateway;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.ragplatform.testsupport.JavaApiDocs;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin console in headless Chromium against the gateway and the five real services (started from their jars
 * as for {@link RoutingIT}, see {@link Upstreams}): sign in with the admin key, see every service on the overview,
 * create a collection (and see a refused duplicate's problem detail), upload a text file through the upload form,
 * watch it reach INDEXED on the documents page, search it in the playground and find the passage marked; then, one
 * test each on the same services and browser: revoke a key (and the gateway refuses it), a document failing at
 * parse and retried, a document deleted, API recommendation with its evidence, adapters followed to ready and
 * activated and deactivated. Each step leaves a screenshot in {@code target/e2e-screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rag.gateway.bootstrap-key=" + AdminConsoleE2EIT.KEY,
				"rag.gateway.trace-url=http://traces.example/trace/{traceId}" })
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleE2EIT {

	static final String KEY = "rag_adminConsoleE2EIT-admin-key-0123456789abc";

	static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");

	// chunks of about 24 tokens: one sentence each, so the marked passage sits inside unmarked text
	static final String DOCUMENT = """
			Volcanic soil is rich in minerals, which is why vineyards climb the slopes of old volcanoes.
			Tea grows best on cool and misty hillsides, where the leaves ripen slowly over many weeks.
			The lighthouse keeper polishes the brass lantern every evening before the fishing boats come in.
			Glaciers carve wide valleys with steep walls, leaving lakes behind when the ice melts away.
			Honey never spoils when it is sealed, because bacteria cannot live in so much sugar.
			""";

	static Path reports;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) throws IOException {
		Upstreams.all(registry);
		// one evaluation report as ./rag eval writes it: metrics (.json) and a chart (.png)
		reports = Files.createTempDirectory("rag-console-reports");
		Files.writeString(reports.resolve("scifact-20261130-115915.json"), """
				{"suite": "scifact", "revision": "05404c76f19e", "model": "bge-small-en-v1.5",
				 "metrics": {"dense": {"nDCG@10": 0.7071, "Recall@100": 0.9467}, "hybrid": {"nDCG@10": 0.7265, "Recall@100": 0.9633}},
				 "latencyMs": {"dense": {"p50": 54.1}, "hybrid": {"p50": 75.7}}}
				""");
		Files.writeString(reports.resolve("scifact-20261130-115915.md"), """
				# SciFact through the platform

				| mode | nDCG@10 |
				|---|---|
				| dense | 0.7071 |
				| hybrid | **0.7265** |

				- run on `2 cores`
				""");
		// an earlier run of the same suite, with per-query results, to compare with and drill into
		Files.writeString(reports.resolve("scifact-20261129-080000.json"), """
				{"suite": "scifact", "metrics": {"dense": {"nDCG@10": 0.7000}, "hybrid": {"nDCG@10": 0.7100}},
				 "perQuery": {"hybrid": [
				   {"id": "q1", "query": "aspirin lowers the risk of stroke", "metrics": {"nDCG@10": 1.0}, "found": ["d1", "d7"], "relevant": ["d1"]},
				   {"id": "q2", "query": "vitamin D and bone density", "metrics": {"nDCG@10": 0.0}, "found": ["d3", "d4"], "relevant": ["d9"]}]}}
				""");
		BufferedImage chart = new BufferedImage(120, 60, BufferedImage.TYPE_INT_RGB);
		ImageIO.write(chart, "png", reports.resolve("scifact-20261130-115915.png").toFile());
		registry.add("rag.gateway.reports-dir", reports::toString);
	}

	@LocalServerPort
	int port;

	Path temp;

	Http http;

	int loads;

	HeadlessChromium chromium;

	WebDriver browser;

	@BeforeAll
	void startBrowser(@TempDir Path temp) throws IOException {
		this.temp = temp;
		this.http = new Http(this.port);
		if (Files.isDirectory(SCREENSHOTS)) {
			try (Stream<Path> old = Files.list(SCREENSHOTS)) {
				for (Path file : old.filter((p) -> p.toString().endsWith(".png")).toList()) {
					Files.delete(file);
				}
			}
		}
		this.chromium = HeadlessChromium.start(this.temp.resolve("profile"), SCREENSHOTS);
		this.browser = this.chromium.driver();
	}

	@AfterAll
	void stopBrowser() {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	@Order(1)
	void signInCreateUploadWatchIndexedAndSearch() throws IOException {
		String collection = "console-" + UUID.randomUUID().toString().substring(0, 8);

		// sign in with the keyboard: type the key, press Enter
		this.browser.get("http://127.0.0.1:" + this.port + "/admin/");
		WebElement key = waitFor(By.id("signin-key"), Duration.ofSeconds(10));
		this.chromium.screenshot("sign-in");
		key.sendKeys(KEY, Keys.ENTER);

		// the overview reads every service's health through the gateway
		waitUntil(Duration.ofSeconds(30), "five services UP on the overview",
				(d) -> d.findElements(By.cssSelector(".status-UP")).size() >= 5);
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("ingest-service", "retrieval-service",
				"embedding-service", "rerank-service", "llm-adapter", "Consumer lag");
		this.chromium.screenshot("overview");

		// create a collection with small chunks
		this.browser.findElement(By.linkText("Collections")).click();
		WebElement nameField = waitFor(By.id("collection-name"), Duration.ofSeconds(10));
		// the browser checks the name as retrieval-service will (the pattern compiles: an invalid one never checks)
		nameField.sendKeys("Bad name!");
		assertThat((Boolean) script("return arguments[0].checkValidity()", nameField)).isFalse();
		nameField.clear();
		nameField.sendKeys("ok-name_1");
		assertThat((Boolean) script("return arguments[0].checkValidity()", nameField)).isTrue();
		nameField.clear();
		// each setting explained in plain words; the model chosen from the embedding service's list
		assertThat(this.browser.findElement(By.id("collection-hnsw-m-help")).getText()).contains("Links per vector");
		waitUntil(Duration.ofSeconds(10), "the served model listed", (d) -> new Select(d.findElement(By.id("collection-model")))
			.getOptions().stream().anyMatch((o) -> "bge-small-en-v1.5".equals(o.getDomAttribute("value"))));
		new Select(this.browser.findElement(By.id("collection-model"))).selectByValue("bge-small-en-v1.5");
		nameField.sendKeys(collection);
		this.browser.findElement(By.id("collection-target-tokens")).sendKeys("24");
		this.browser.findElement(By.id("collection-overlap-tokens")).sendKeys("0");
		this.browser.findElement(By.id("collection-create")).click();
		waitFor(By.cssSelector("tr[data-collection='" + collection + "']"), Duration.ofSeconds(20));
		assertThat(this.browser.findElement(By.id("collection-created")).getText()).contains(collection);
		// the list has size and creation date, and a filter that narrows it to the new collection
		WebElement filter = this.browser.findElement(By.id("collections-filter"));
		filter.sendKeys(collection);
		waitUntil(Duration.ofSeconds(5), "the list filtered",
				(d) -> d.findElements(By.cssSelector("tr[data-collection]")).size() == 1);
		assertThat(this.browser.findElement(By.cssSelector("tr[data-collection='" + collection + "']")).getText())
			.contains("bge-small-en-v1.5", " MB", String.valueOf(java.time.Year.now().getValue()));
		assertThat(this.browser.findElement(By.cssSelector("#main thead")).getText()).contains("size", "created");
		filter.clear();
		filter.sendKeys(Keys.BACK_SPACE);

		// the same name again: the service's problem detail is shown
		this.browser.findElement(By.id("collection-name")).sendKeys(collection, Keys.ENTER);
		WebElement problem = waitFor(By.cssSelector("#main .problem"), Duration.ofSeconds(20));
		assertThat(problem.getText()).contains(collection);
		this.chromium.screenshot("collection-created");

		// upload a text file through the form on the collection's documents page
		this.browser.findElement(By.cssSelector("tr[data-collection='" + collection + "'] a[href^='#/documents']")).click();
		Path note = this.temp.resolve("lighthouse.txt");
		Files.writeString(note, DOCUMENT);
		waitFor(By.id("upload-file"), Duration.ofSeconds(10)).sendKeys(note.toAbsolutePath().toString());
		this.browser.findElement(By.id("upload-title")).sendKeys("Lighthouse notes");
		this.browser.findElement(By.id("upload-submit")).click();
		waitUntil(Duration.ofSeconds(30), "the upload accepted",
				(d) -> d.findElement(By.id("uploads")).getText().contains("accepted"));
		this.chromium.screenshot("uploaded");

		// the list refreshes itself until the document is indexed
		waitUntil(Duration.ofMinutes(3), "the document INDEXED on the documents page", (d) -> {
			List<WebElement> failed = d.findElements(By.cssSelector("tr[data-status='FAILED']"));
			assertThat(failed).as("failed documents").isEmpty();
			return !d.findElements(By.cssSelector("tr[data-status='INDEXED']")).isEmpty();
		});
		assertThat(this.browser.findElement(By.id("documents-list")).getText()).contains("Lighthouse notes", "INDEXED");
		this.chromium.screenshot("indexed");

		// search it in the playground; the passage is marked at its offsets in the document's text
		this.browser.findElement(By.linkText("Search")).click();
		new org.openqa.selenium.support.ui.Select(waitFor(By.id("search-collection"), Duration.ofSeconds(10)))
			.selectByValue(collection);
		this.browser.findElement(By.id("search-query")).sendKeys("who polishes the brass lantern");
		this.browser.findElement(By.id("search-submit")).click();
		WebElement mark = waitFor(By.cssSelector("#search-results article.result span.hit"), Duration.ofSeconds(60));
		String passage = this.browser.findElement(By.cssSelector("#search-results article.result .passage")).getText();
		assertThat(mark.getText()).contains("lighthouse keeper polishes the brass lantern")
			.doesNotContain("Volcanic", "Honey");
		assertThat(passage).contains(mark.getText()).contains("Tea grows best");
		// the query's words are marked, in the chunk and around it; a word as common as "who" is not
		List<String> terms = this.browser
			.findElements(By.cssSelector("#search-results article.result:first-of-type .passage mark.term"))
			.stream()
			.map((e) -> e.getText().toLowerCase(java.util.Locale.ROOT))
			.toList();
		assertThat(terms).contains("polishes", "brass", "lantern").doesNotContain("who");
		// the score is explained for the mode; the result links to its document's page
		assertThat(this.browser.findElement(By.id("search-score-meaning")).getText()).contains("reranker", "late-interaction");
		assertThat(this.browser.findElement(By.cssSelector("#search-results article.result header a")).getDomAttribute("href"))
			.startsWith("#/document?collection=" + collection + "&id=");
		// the query is in the tab's history, one click from being searched again
		assertThat(this.browser.findElement(By.id("search-history")).getText()).contains("who polishes the brass lantern");
		// a new search clears the old results at once and says it is running (checked in the same task as the
		// submit, before any answer can arrive)
		Boolean busyAtOnce = (Boolean) script("document.getElementById('search-form').requestSubmit();"
				+ "return document.getElementById('search-busy') !== null"
				+ " && document.querySelectorAll('#search-results article.result').length === 0"
				+ " && document.getElementById('search-results').getAttribute('aria-busy') === 'true';");
		assertThat(busyAtOnce).as("busy state shown and the old results gone").isTrue();
		waitFor(By.cssSelector("#search-results article.result span.hit"), Duration.ofSeconds(60));
		// the stages' timings: at least one measured (a stage not run shows –)
		assertThat(this.browser.findElement(By.id("search-timings")).getText()).isNotBlank().containsPattern("\\d");
		this.chromium.screenshot("search-highlighted");

		// the citation playground: each predicted source beside its evidence
		this.browser.findElement(By.linkText("Citations")).click();
		// the collection chosen on the search page is chosen here too
		assertThat(new Select(waitFor(By.id("citations-collection"), Duration.ofSeconds(10))).getFirstSelectedOption()
			.getDomAttribute("value")).isEqualTo(collection);
		this.browser.findElement(By.id("citations-text"))
			.sendKeys("Every evening the keeper polishes the brass lantern of the lighthouse [1].");
		this.browser.findElement(By.id("citations-submit")).click();
		WebElement evidence = waitFor(By.cssSelector("article.result.beside .passage mark"), Duration.ofSeconds(60));
		assertThat(evidence.getText()).contains("brass lantern");
		assertThat(this.browser.findElement(By.cssSelector("article.result.beside")).getText()).contains("Lighthouse notes");
		assertThat(this.browser.findElements(By.id("citations-fallback"))).as("no fallback in retrieval mode").isEmpty();
		this.chromium.screenshot("citations");

		// mode llm with no LLM configured: answered from retrieval, and the page says so and why
		new Select(this.browser.findElement(By.id("citations-mode"))).selectByValue("llm");
		this.browser.findElement(By.id("citations-submit")).click();
		WebElement fallback = waitFor(By.id("citations-fallback"), Duration.ofSeconds(60));
		assertThat(fallback.getText()).contains("Answered in mode retrieval, not llm", "no LLM is configured");
		this.chromium.screenshot("citations-llm-fallback");

		// an evaluation report with its chart and metrics
		this.browser.findElement(By.linkText("Reports")).click();
		waitFor(By.linkText("scifact-20261130-115915"), Duration.ofSeconds(10)).click();
		WebElement chart = waitFor(By.cssSelector("img.chart"), Duration.ofSeconds(10));
		waitUntil(Duration.ofSeconds(10), "the chart loaded",
				(d) -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d)
					.executeScript("return arguments[0].naturalWidth", chart)).intValue() == 120);
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("nDCG@10", "0.7265", "hybrid");
		// the Markdown rendered: a table and bold, not the raw text
		this.browser.findElement(By.cssSelector("#report-text summary")).click();
		assertThat(this.browser.findElement(By.cssSelector("#report-text table")).getText()).contains("hybrid", "0.7265");
		assertThat(this.browser.findElement(By.cssSelector("#report-text strong")).getText()).isEqualTo("0.7265");
		assertThat(this.browser.findElement(By.id("report-text")).getText()).doesNotContain("|---|", "**");
		assertThat(this.browser.findElement(By.id("report-per-query")).getText()).contains("no per-query results");
		this.chromium.screenshot("report");
		// compared with the earlier run: each metric side by side, with the difference
		new Select(this.browser.findElement(By.id("report-compare"))).selectByValue("scifact-20261129-080000");
		this.browser.findElement(By.cssSelector("#main form.toolbar button")).click();
		WebElement comparison = waitFor(By.id("report-comparison"), Duration.ofSeconds(10));
		assertThat(comparison.findElement(By.xpath(".//tr[th[.='hybrid'] and td[1][.='nDCG@10']]")).getText())
			.contains("0.7265", "0.71", "+0.0165");
		this.chromium.screenshot("report-compared");
		// the earlier run holds per-query results: the worst first, each opening to what was found and expected
		open("reports?name=scifact-20261129-080000&query=q2");
		WebElement worst = waitFor(By.cssSelector("#report-per-query tr[data-query]"), Duration.ofSeconds(10));
		assertThat(worst.getDomAttribute("data-query")).isEqualTo("q2");
		assertThat(worst.getText()).contains("vitamin D and bone density", "expected: d9", "d3");
		this.chromium.screenshot("report-per-query");

		// the overview now counts the collection's document and chunks
		this.browser.findElement(By.linkText("Overview")).click();
		waitUntil(Duration.ofSeconds(30), "the collection on the overview",
				(d) -> d.findElement(By.id("main")).getText().contains(collection));
		// retrieval-service's chunk consumer has read the chunks: its lag is on the overview, as a number of records
		// (the table right after the heading: the next section's table has retrieval-service and chunks too)
		waitUntil(Duration.ofSeconds(60), "retrieval-service's chunk consumer lag on the overview", (d) -> {
			List<WebElement> cells = d.findElements(By.xpath("//h2[.='Consumer lag']/following-sibling::*[1][self::table]"
					+ "//tr[td[1][.='retrieval-service'] and td[2][contains(., 'chunks')]]/td[3]"));
			return !cells.isEmpty() && cells.get(0).getText().replace(",", "").matches("\\d+");
		});
		this.chromium.screenshot("overview-counts");

		// the collection's settings show retrieval-service's lexical index holding its chunks, and how recently it
		// caught up with PostgreSQL
		open("collections?collection=" + collection);
		waitUntil(Duration.ofSeconds(30), "the lexical index in the collection's settings", (d) -> {
			List<WebElement> row = d.findElements(By.xpath("//dl[contains(@class,'settings')]/dt[.='lexical index']"
					+ "/following-sibling::dd[1]"));
			return !row.isEmpty() && row.get(0).getText().matches("[1-9][0-9,]* chunks, .* MB; caught up .* s ago.*");
		});
		this.chromium.screenshot("collection-lexical-index");

		// a new read key is shown once
		this.browser.findElement(By.linkText("API keys")).click();
		waitFor(By.id("key-name"), Duration.ofSeconds(10)).sendKeys("console-reader", Keys.ENTER);
		assertThat(waitFor(By.id("key-secret"), Duration.ofSeconds(20)).getText()).startsWith("rag_");
		this.chromium.screenshot("key-created");
	}

	/**
	 * API keys: a key created in the console works, is revoked from the keyboard (after the confirmation), leaves the
	 * list, and the gateway refuses it at once (401); revoking the last admin key shows the 409's detail.
	 */
	@Test
	@Order(2)
	void revokeAKeyAndTheGatewayRefusesIt() {
		open("keys");
		waitFor(By.id("key-name"), Duration.ofSeconds(10)).sendKeys("console-revoke-me", Keys.ENTER);
		String secret = waitFor(By.id("key-secret"), Duration.ofSeconds(20)).getText();
		assertThat(secret).startsWith("rag_");
		// the form is cleared for the next key, back to its default scope
		assertThat(this.browser.findElement(By.id("key-name")).getDomProperty("value")).isEmpty();
		assertThat(this.browser.findElement(By.id("key-scope-read")).isSelected()).as("read checked again").isTrue();
		Http.Response before = this.http.get("/api/v1/embeddings/models", secret);
		assertThat(before.status()).as("the new key before revocation: %s", before).isEqualTo(200);
		By revoke = By.cssSelector("button[aria-label='Revoke key console-revoke-me']");
		waitFor(revoke, Duration.ofSeconds(10));

		// the only admin key (the one signed in) cannot go: the gateway's 409 detail is shown
		// the signed-in key is marked, and revoking it asks a second time
		assertThat(this.browser.findElement(By.cssSelector("tr.own")).getText()).contains("bootstrap", "this session");
		confirm(this.browser.findElement(By.cssSelector("button[aria-label='Revoke key bootstrap (rag.gateway.bootstrap-key)']")),
				"bootstrap");
		Alert again = new WebDriverWait(this.browser, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
		assertThat(again.getText()).contains("signed in with");
		again.accept();
		WebElement refused = waitFor(By.cssSelector("#main .problem"), Duration.ofSeconds(20));
		assertThat(refused.getText()).contains("last admin key cannot be deleted");
		this.chromium.screenshot("key-last-admin-refused");

		// revoke the new key with the keyboard: Enter on its button, then accept the confirmation
		confirm(this.browser.findElement(revoke), "console-revoke-me");
		waitUntil(Duration.ofSeconds(20), "the key revoked",
				(d) -> d.findElement(By.id("main")).getText().contains("Key console-revoke-me revoked.")
						&& d.findElements(revoke).isEmpty());
		assertThat(this.browser.findElement(By.cssSelector("#main table")).getText()).contains("console-reader")
			.doesNotContain("console-revoke-me");
		this.chromium.screenshot("key-revoked");

		// through real HTTP: the revoked key is refused, the admin key still works
		Http.Response after = this.http.get("/api/v1/embeddings/models", secret);
		assertThat(after.status()).as("the revoked key: %s", after).isEqualTo(401);
		assertThat(after.problemType()).endsWith("/unauthorized");
		assertThat(this.http.get("/api/v1/admin/keys", KEY).body()).doesNotContain("console-revoke-me");

		// the console's own key revoked while it is signed in: the next call, whichever page makes it, signs it out
		tools.jackson.databind.JsonNode own = this.http
			.post("/api/v1/admin/keys", KEY, Map.of("name", "console-own", "scopes", List.of("admin")))
			.json();
		this.browser.findElement(By.id("sign-out")).click();
		waitFor(By.id("signin-key"), Duration.ofSeconds(10)).sendKeys(own.path("key").asString(), Keys.ENTER);
		waitUntil(Duration.ofSeconds(10), "signed in with the new key", (d) -> d.findElement(By.id("nav")).isDisplayed());
		assertThat(this.http.delete("/api/v1/admin/keys/" + own.path("id").asString(), KEY).status()).isEqualTo(204);
		this.browser.findElement(By.linkText("Collections")).click();
		WebElement signIn = waitFor(By.id("signin-key"), Duration.ofSeconds(20));
		assertThat(this.browser.findElement(By.id("nav")).isDisplayed()).isFalse();
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("Signed out");
		this.chromium.screenshot("key-own-revoked-signed-out");
		signIn.sendKeys(KEY, Keys.ENTER);
		waitUntil(Duration.ofSeconds(10), "signed in again", (d) -> d.findElement(By.id("nav")).isDisplayed());
	}

	/**
	 * Documents: an empty file refused with ingest's detail; a PDF the parser cannot read accepted, then listed
	 * FAILED at parse with its reason; Retry sends it through the pipeline again (attempts 2, failing again for the
	 * same reason); Delete removes an indexed document, which leaves the INDEXED list and retrieval's search.
	 */
	@Test
	@Order(3)
	void failRetryAndDeleteDocuments() throws IOException {
		// the dead letters already on the broker (a broker kept between runs holds earlier ones)
		double deadLettersBefore = Awaitility.await("the overview reads the dead-letter topic")
			.atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofSeconds(1))
			.until(this::documentDeadLetters, (n) -> n >= 0);
		String collection = createCollection("console-docs");
		String kept = ingest(collection, "kept", "Copper roofs",
				"Copper roofs turn green because the metal slowly reacts with air and rain to form a patina.", Map.of());
		String removed = ingest(collection, "removed", "Night train",
				"The night train to the mountains leaves at eleven and arrives just before sunrise.", Map.of());
		awaitIndexed(collection, 2);
		assertThat(foundBy(collection, "night train to the mountains")).contains(removed);

		open("documents?collection=" + collection);
		waitFor(By.cssSelector("tr[data-document-id='" + removed + "'][data-status='INDEXED']"), Duration.ofSeconds(10));

		// two files at once: a PDF cut short (accepted, fails at parse) and an empty file (refused at once)
		Path broken = this.temp.resolve("broken.pdf");
		Files.writeString(broken, "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa");
		Path empty = this.temp.resolve("empty.txt");
		Files.write(empty, new byte[0]);
		this.browser.findElement(By.id("upload-file"))
			.sendKeys(broken.toAbsolutePath() + "\n" + empty.toAbsolutePath());
		this.browser.findElement(By.id("upload-submit")).click();
		waitUntil(Duration.ofSeconds(30), "the PDF accepted and the empty file refused", (d) -> {
			String uploads = d.findElement(By.id("uploads")).getText();
			return uploads.contains("accepted") && !d.findElements(By.cssSelector("#uploads .problem")).isEmpty();
		});
		assertThat(this.browser.findElement(By.cssSelector("#uploads .problem")).getText()).contains("empty.txt");
		// ingest-service's own detail, not the file's name
		assertThat(this.browser.findElement(By.cssSelector("#uploads .problem .detail")).getText())
			.containsIgnoringCase("empty");
		By failedRow = By.cssSelector("tr[data-status='FAILED']");
		waitFor(failedRow, Duration.ofSeconds(60));
		WebElement failed = this.browser.findElement(failedRow);
		String failedId = failed.getDomAttribute("data-document-id");
		assertThat(failed.getText()).contains("broken.pdf", "failed at parse", "attempts: 1", "stopped at parse");
		WebElement stopped = failed.findElement(By.cssSelector("progress.failed"));
		assertThat(Double.parseDouble(stopped.getDomProperty("value"))).as("a failed parse is no full bar").isZero();
		String reason = failed.findElement(By.cssSelector(".problem")).getText();
		// the parser's reason names what it could not read, not only the file's name
		assertThat(reason).containsIgnoringCase("PDF");
		this.chromium.screenshot("document-failed");

		// Retry from the keyboard: the request is accepted and the document goes through the pipeline again
		this.browser.findElement(By.cssSelector("button[aria-label='Retry document " + failedId + "']")).sendKeys(Keys.ENTER);
		waitUntil(Duration.ofSeconds(60), "the retry accepted and the document failed once more", (d) -> {
			List<WebElement> row = d.findElements(By.cssSelector("tr[data-document-id='" + failedId + "'][data-status='FAILED']"));
			return d.findElement(By.id("main")).getText().contains("Retry " + failedId + ": done.") && !row.isEmpty()
					&& row.get(0).getText().contains("attempts: 2");
		});
		assertThat(this.browser.findElement(By.cssSelector("tr[data-document-id='" + failedId + "'] .problem")).getText())
			.isEqualTo(reason.replace("attempts: 1", "attempts: 2"));
		JsonNode status = this.http.get("/api/v1/collections/" + collection + "/documents/" + failedId, KEY).json();
		assertThat(status.path("attempts").asInt()).isEqualTo(2);
		assertThat(status.path("failedStage").asString()).isEqualTo("parse");
		this.chromium.screenshot("document-retried");

		// the dead letters page: the PDF's records with the parser's reason; Replay sends the newest back once,
		// which runs the document again (a third attempt); a second replay of it sends nothing
		open("dead-letters");
		By letters = By.cssSelector("tr[data-key='" + collection + "/" + failedId + "']");
		waitUntil(Duration.ofSeconds(30), "both attempts' dead letters listed", (d) -> d.findElements(letters).size() == 2);
		WebElement newest = this.browser.findElements(letters).get(0);
		assertThat(newest.getText()).containsIgnoringCase("PDF").contains(collection);
		String letter = newest.getDomAttribute("data-dead-letter");
		this.chromium.screenshot("dead-letters");
		newest.findElement(By.cssSelector("button[aria-label='Replay " + letter + "']")).click();
		assertThat(waitFor(By.id("dead-letter-replayed"), Duration.ofSeconds(20)).getText()).contains("sent back to rag.documents");
		waitUntil(Duration.ofSeconds(20), "the record marked replayed",
				(d) -> d.findElement(By.cssSelector("tr[data-dead-letter='" + letter + "']")).getText().contains("replayed"));
		Awaitility.await("the replayed document's third attempt").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> this.http.get("/api/v1/collections/" + collection + "/documents/" + failedId, KEY).json(),
					(d) -> d.path("attempts").asInt() == 3 && d.path("status").asString().equals("FAILED"));
		Http.Response again = this.http.post("/api/v1/dead-letters/" + letter + ":replay", KEY, Map.of());
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json().path("replayed").asBoolean()).isFalse();
		this.chromium.screenshot("dead-letter-replayed");
		open("documents?collection=" + collection);
		waitFor(By.cssSelector("tr[data-document-id='" + removed + "'][data-status='INDEXED']"), Duration.ofSeconds(10));

		// Delete (Enter, then the confirmation): the row is marked DELETED and its buttons are gone
		confirm(this.browser.findElement(By.cssSelector("button[aria-label='Delete document " + removed + "']")), "Delete");
		waitUntil(Duration.ofSeconds(30), "the document deleted, out of the list and of the count",
				(d) -> d.findElement(By.id("main")).getText().contains("Delete " + removed + ": done.")
						&& d.findElements(By.cssSelector("tr[data-document-id='" + removed + "']")).isEmpty()
						&& d.findElement(By.id("documents-summary")).getText().contains("1 deleted, not counted"));
		this.chromium.screenshot("document-deleted");
		// listed when asked for, with no progress bar and no chunk count
		open("documents?collection=" + collection + "&status=DELETED");
		WebElement deleted = waitFor(By.cssSelector("tr[data-document-id='" + removed + "'][data-status='DELETED']"),
				Duration.ofSeconds(20));
		assertThat(deleted.findElements(By.tagName("progress"))).isEmpty();
		assertThat(deleted.getText()).contains("deleted: out of search").doesNotContain("1/1");
		assertThat(this.browser.findElements(By.cssSelector("button[aria-label='Delete document " + removed + "']"))).isEmpty();
		this.chromium.screenshot("document-deleted-listed");

		// the INDEXED list no longer has it; the kept document stays
		new Select(this.browser.findElement(By.id("documents-status"))).selectByValue("INDEXED");
		this.browser.findElement(By.cssSelector("form.toolbar button[type='submit']")).click();
		waitUntil(Duration.ofSeconds(20), "the INDEXED list without the deleted document",
				(d) -> d.getCurrentUrl().contains("status=INDEXED")
						&& !d.findElements(By.cssSelector("tr[data-document-id='" + kept + "']")).isEmpty());
		assertThat(this.browser.findElements(By.cssSelector("tr[data-document-id='" + removed + "']"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("#documents-list tbody tr"))).hasSize(1);
		this.chromium.screenshot("documents-indexed-only");

		// and retrieval-service no longer finds its text
		Awaitility.await("the deleted document gone from search").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.until(() -> !foundBy(collection, "night train to the mountains").contains(removed));
		assertThat(foundBy(collection, "copper roofs turn green")).contains(kept);

		// the PDF that failed twice was dead-lettered twice: the overview counts the topic's records on the broker
		// (each service rereads them at most every 15 s)
		open("overview");
		waitUntil(Duration.ofSeconds(60), "the dead letters counted on the overview", (d) -> {
			// a small upload goes on the interactive lane, so its dead letters are in that lane's topic
			List<WebElement> rows = d.findElements(By.xpath("//h2[.='Dead letters']/following-sibling::table[1]"
					+ "//tr[td[.='rag.documents.v1-dlt' or .='rag.documents.interactive.v1-dlt']]/td[3]"));
			int total = 0;
			for (WebElement row : rows) {
				String count = row.getText().replace(",", "");
				if (!count.matches("\\d+")) {
					return false;
				}
				total += Integer.parseInt(count);
			}
			return rows.size() == 2 && total >= deadLettersBefore + 2;
		});
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("rag.chunks.v1-dlt");
		// failed now: the collections' FAILED summed (this collection's PDF among them), apart from every failure
		// since start
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("failures since start");
		waitUntil(Duration.ofSeconds(20), "failed now agreeing with the collections' FAILED", (d) -> {
			long failedNow = 0;
			for (JsonNode c : this.http.get("/api/v1/admin/overview", KEY).json().path("collections").path("value")) {
				failedNow += c.path("byStatus").path("FAILED").asLong();
			}
			String shown = d.findElement(By.xpath("//div[contains(@class,'card')][div[1][.='documents failed now']]"
					+ "/div[contains(@class,'value')]")).getText().replace(",", "");
			return failedNow >= 1 && shown.equals(String.valueOf(failedNow));
		});
		((org.openqa.selenium.JavascriptExecutor) this.browser).executeScript("arguments[0].scrollIntoView()",
				this.browser.findElement(By.xpath("//h2[.='Dead letters']")));
		this.chromium.screenshot("overview-dead-letters");
	}

	/**
	 * API recommendation: an API documentation collection (JSON documents in the Java API connector's layout) and
	 * an examples collection imported from a BIKER-style CSV, both tiny and through the real services; an unknown
	 * examples collection shows llm-adapter's detail; the question (asked with Ctrl+Enter) gets ranked APIs, each
	 * beside the examples that voted for it and its documentation passage; an answer outside the API collection is
	 * listed as dropped with the reason.
	 */
	@Test
	@Order(4)
	void recommendApisWithTheirEvidence() {
		String apis = createCollection("console-api");
		String examples = createCollection("console-examples");
		JavaApiDocs.jdk("java.lang.Integer.parseInt", "java.lang.Integer.valueOf", "java.util.Collections.sort",
				"java.nio.file.Files.exists", "java.lang.String.split")
			.forEach((d) -> ingest(apis, d.externalId(), d.title(), d.text(), d.metadata()));
		String csv = """
				,title,answer
				0,How to convert a String to an int in Java?,['java.lang.Integer.parseInt']
				1,Converting a string of digits to an integer,"['java.lang.Integer.parseInt', 'java.lang.Integer.valueOf']"
				2,How to sort a list of strings alphabetically,['java.util.Collections.sort']
				3,Check if a file exists,['java.nio.file.Files.exists']
				4,Read a number typed into a Swing text field as an int,"['java.lang.Integer.parseInt', 'javax.swing.JTextField.getText']"
				""";
		Http.Multipart form = Http.Multipart.of(Map.of("collection", examples), "train.csv", "text/csv", csv);
		Http.Response imported = this.http.send("POST", "/api/v1/apis/examples:import", KEY, form.body(), "Content-Type",
				form.contentType());
		assertThat(imported.status()).as(imported.toString()).isEqualTo(202);
		assertThat(imported.json().path("examples").asInt()).isEqualTo(5);
		awaitIndexed(apis, 5);
		awaitIndexed(examples, 5);

		open("apis");
		WebElement question = waitFor(By.id("apis-query"), Duration.ofSeconds(10));
		assertThat(this.browser.switchTo().activeElement()).as("the question has the focus").isEqualTo(question);
		new Select(this.browser.findElement(By.id("apis-collection"))).selectByValue(apis);
		WebElement examplesField = this.browser.findElement(By.id("apis-examples"));
		examplesField.sendKeys("no-such-examples");
		question.sendKeys("How do I turn a numeric string into an int?");
		question.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
		WebElement problem = waitFor(By.cssSelector("#apis-results .problem"), Duration.ofSeconds(60));
		assertThat(problem.getText()).contains("no-such-examples");
		this.chromium.screenshot("apis-unknown-examples");

		examplesField.clear();
		examplesField.sendKeys(examples);
		question.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
		WebElement first = waitFor(By.cssSelector("#apis-results article.result.beside"), Duration.ofSeconds(60));
		assertThat(first.getDomAttribute("data-api")).isEqualTo("java.lang.Integer.parseInt");
		assertThat(first.getText()).contains("1. java.lang.Integer.parseInt", "public static int parseInt(String s)",
				"from retrieval", "How to convert a String to an int in Java?", "Converting a string of digits to an integer");
		// the score is explained, and shown as a share of the first's
		assertThat(first.getText()).contains("(100 % of the first)");
		assertThat(this.browser.findElement(By.id("apis-score-meaning")).getText()).contains("reciprocal rank");
		assertThat(first.findElement(By.cssSelector(".passage mark")).getText())
			.contains("java.lang.Integer.parseInt", "Parses the string argument as a signed decimal integer.");
		assertThat(first.findElement(By.cssSelector(".passage")).getText()).contains("parseInt(String) · chunk 0");
		List<WebElement> ranked = this.browser.findElements(By.cssSelector("#apis-results article.result.beside"));
		assertThat(ranked).hasSizeGreaterThan(1);
		assertThat(ranked.get(1).getText()).startsWith("2. ");
		assertThat(this.browser.findElement(By.id("apis-dropped")).getText()).contains("javax.swing.JTextField.getText",
				"named by examples", "not in " + apis);
		this.chromium.screenshot("apis-recommended");
	}

	/**
	 * Adapters: two label jobs started through the API on twelve tiny documents — one whose labels contradict the
	 * embedding (each query names the next document's topic: it beats the baseline), one the embedding already gets
	 * right (it does not) — followed live to ready on the page with their held-out metrics; activating the second
	 * shows retrieval-service's 409 detail; the first is activated and deactivated from the keyboard, and searches
	 * through the gateway apply it, then no longer.
	 */
	@Test
	@Order(5)
	void followActivateAndDeactivateAdapters() throws IOException {
		List<String> topics = List.of("photosynthesis in plants", "volcanic eruptions", "the French Revolution",
				"espresso coffee brewing", "container orchestration with Kubernetes", "black holes and gravity",
				"honey bees and pollination", "the stock market crash of 1929", "marathon running training",
				"medieval castles", "jazz improvisation", "glaciers and ice ages");
		List<String> templates = List.of("Tell me about %s.", "What is known about %s?", "An introduction to %s",
				"Explain %s to a beginner.", "Key facts on %s");
		String collection = createCollection("console-adapt");
		for (int i = 0; i < topics.size(); i++) {
			ingest(collection, "doc" + i, null, "An article about " + topics.get(i) + ".", Map.of());
		}
		awaitIndexed(collection, topics.size());
		List<Map<String, Object>> shifted = new ArrayList<>();
		List<Map<String, Object>> right = new ArrayList<>();
		for (String template : templates) {
			for (int i = 0; i < topics.size(); i++) {
				shifted.add(Map.of("query", template.formatted(topics.get((i + 1) % topics.size())), "targets",
						List.of("doc" + i)));
				right.add(Map.of("query", template.formatted(topics.get(i)), "targets", List.of("doc" + i)));
			}
		}
		String adapters = "/api/v1/collections/" + collection + "/adapters";
		Http.Response started = this.http.post(adapters, KEY, Map.of("name", "shifted", "labels",
				Map.of("targetField", "externalId", "pairs", shifted), "rank", 16, "epochs", 60, "learningRate", 0.01,
				"validationFraction", 0.2));
		assertThat(started.status()).as(started.toString()).isEqualTo(202);
		String good = started.json().path("id").asString();

		// the second job is started from the page, from a label file in biker-train-qa.csv's layout
		open("adapters?collection=" + collection);
		waitFor(By.cssSelector("tr[data-adapter-id='" + good + "']"), Duration.ofSeconds(10));
		StringBuilder csv = new StringBuilder(",title,answer\n");
		for (int i = 0; i < right.size(); i++) {
			csv.append(i).append(",\"").append(right.get(i).get("query")).append("\",\"['")
				.append(((List<?>) right.get(i).get("targets")).get(0)).append("']\"\n");
		}
		Path labels = Files.createTempFile("already-right", ".csv");
		Files.writeString(labels, csv);
		this.browser.findElement(By.cssSelector("#main details summary")).click();
		this.browser.findElement(By.id("adapter-file")).sendKeys(labels.toString());
		this.browser.findElement(By.id("adapter-name")).sendKeys("already-right");
		WebElement target = this.browser.findElement(By.id("adapter-target"));
		target.clear();
		target.sendKeys("externalId");
		this.browser.findElement(By.id("adapter-epochs")).sendKeys("2", Keys.ENTER);
		waitUntil(Duration.ofSeconds(20), "the job started from the page",
				(d) -> d.findElement(By.id("main")).getText().contains("(already-right) started."));
		JsonNode fromPage = this.http.get(adapters, KEY)
			.json()
			.path("adapters")
			.valueStream()
			.filter((x) -> "already-right".equals(x.path("name").asString()))
			.findFirst()
			.orElseThrow();
		String useless = fromPage.path("id").asString();
		assertThat(fromPage.path("settings").path("pairs").asInt()).isEqualTo(right.size());
		assertThat(fromPage.path("settings").path("targetField").asString()).isEqualTo("externalId");
		assertThat(fromPage.path("settings").path("epochs").asInt()).isEqualTo(2);
		this.chromium.screenshot("adapter-started-from-file");

		// the page follows the jobs by itself until both are ready
		// the list re-renders while it follows the jobs: read it inside a wait, which looks again at a stale element
		waitUntil(Duration.ofSeconds(10), "no adapter active yet",
				(d) -> d.findElement(By.id("adapters-active")).getText().contains("none"));
		waitUntil(Duration.ofMinutes(2), "both adapters ready on the page", (d) -> {
			assertThat(d.findElements(By.cssSelector("tr[data-status='failed']"))).as("failed adapters").isEmpty();
			return d.findElements(By.cssSelector("tr[data-status='ready']")).size() == 2;
		});
		WebElement goodRow = this.browser.findElement(By.cssSelector("tr[data-adapter-id='" + good + "']"));
		// the held-out comparison in one line above the metrics
		assertThat(goodRow.findElement(By.cssSelector("p.headline.better")).getText()).startsWith("held-out nDCG@10");
		assertThat(goodRow.getText()).contains("shifted", "READY", "labels", "baseline", "nDCG@10", "beatsBaseline",
				"true", "trainingQueries", "48", "validationQueries", "12");
		assertThat(this.browser.findElement(By.cssSelector("tr[data-adapter-id='" + useless + "']")).getText())
			.contains("already-right", "beatsBaseline", "false");
		JsonNode metrics = this.http.get(adapters + "/" + good, KEY).json().path("metrics");
		assertThat(metrics.path("validation").path("nDCG@10").asDouble())
			.isGreaterThan(metrics.path("baseline").path("nDCG@10").asDouble() + 0.3);
		assertThat(goodRow.findElement(By.xpath(".//dt[.='baseline']/following-sibling::dd[1]")).getText())
			.contains("nDCG@10 " + shown(metrics.path("baseline").path("nDCG@10").asDouble()));
		assertThat(goodRow.findElement(By.xpath(".//dt[.='validation']/following-sibling::dd[1]")).getText())
			.contains("nDCG@10 " + shown(metrics.path("validation").path("nDCG@10").asDouble()));
		this.chromium.screenshot("adapters-ready");

		// the one that does not beat the baseline cannot be activated, and says why before any click
		WebElement refusedButton = this.browser.findElement(By.cssSelector("button[aria-label='Activate adapter already-right']"));
		assertThat(refusedButton.isEnabled()).isFalse();
		assertThat(this.browser.findElement(By.id(refusedButton.getDomAttribute("aria-describedby"))).getText())
			.contains("does not beat the unadapted search", "nDCG@10");
		// retrieval-service refuses it as well, with its own detail
		Http.Response refused = this.http.post(adapters + "/" + useless + ":activate", KEY, Map.of());
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.body()).contains("does not beat the unadapted baseline");
		this.chromium.screenshot("adapter-refused");

		// activate the other from the keyboard: the page and the searches say so
		this.browser.findElement(By.cssSelector("button[aria-label='Activate adapter shifted']")).sendKeys(Keys.ENTER);
		waitUntil(Duration.ofSeconds(20), "the adapter active",
				(d) -> d.findElement(By.id("adapters-active")).getText().contains(good)
						&& !d.findElements(By.cssSelector("button[aria-label='Deactivate adapter shifted']")).isEmpty());
		assertThat(this.http.get(adapters, KEY).json().path("active").asString()).isEqualTo(good);
		String query = "Tell me about " + topics.get(4) + ".";
		Awaitility.await("searches apply the active adapter").atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> good.equals(dense(collection, query).path("adapter").asString()));
		assertThat(dense(collection, query).path("results").path(0).path("externalId").asString()).isEqualTo("doc3");
		scrollToTop();
		this.chromium.screenshot("adapter-active");

		this.browser.findElement(By.cssSelector("button[aria-label='Deactivate adapter shifted']")).sendKeys(Keys.ENTER);
		waitUntil(Duration.ofSeconds(20), "no adapter active",
				(d) -> d.findElement(By.id("adapters-active")).getText().contains("none (searches use the plain model)")
						&& !d.findElements(By.cssSelector("button[aria-label='Activate adapter shifted']")).isEmpty());
		assertThat(this.http.get(adapters, KEY).json().path("active").asString()).isEqualTo("none");
		Awaitility.await("searches without the adapter").atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "none".equals(dense(collection, query).path("adapter").asString()));
		assertThat(dense(collection, query).path("results").path(0).path("externalId").asString()).isEqualTo("doc4");
		scrollToTop();
		this.chromium.screenshot("adapter-deactivated");

		// Delete (after the confirmation): the adapter leaves the page and the service
		confirm(this.browser.findElement(By.cssSelector("button[aria-label='Delete adapter already-right']")), "already-right");
		waitUntil(Duration.ofSeconds(20), "the adapter deleted",
				(d) -> d.findElements(By.cssSelector("tr[data-adapter-id='" + useless + "']")).isEmpty());
		assertThat(this.http.get(adapters + "/" + useless, KEY).status()).isEqualTo(404);
	}

	/**
	 * A document's page: opened from the list, where an upload without a title goes by its file name (in search
	 * too); its facts, its status history from RECEIVED to INDEXED, and its text with each chunk marked at its offsets
	 * and listed beside. The same file uploaded again is refused as a duplicate naming the first, until "Upload
	 * anyway".
	 */
	@Test
	@Order(6)
	void openADocumentAndCatchADuplicateUpload() throws IOException {
		String collection = "console-doc-" + UUID.randomUUID().toString().substring(0, 8);
		Http.Response created = this.http.post("/api/v1/collections", KEY,
				Map.of("name", collection, "chunking", Map.of("targetTokens", 24, "overlapTokens", 0)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		open("documents?collection=" + collection);
		Path file = this.temp.resolve("harbour-notes.txt");
		Files.writeString(file, DOCUMENT);
		waitFor(By.id("upload-file"), Duration.ofSeconds(10)).sendKeys(file.toAbsolutePath().toString());
		this.browser.findElement(By.id("upload-submit")).click();
		waitUntil(Duration.ofMinutes(3), "the document INDEXED", (d) -> !d.findElements(By.cssSelector("tr[data-status='INDEXED']")).isEmpty());
		WebElement link = this.browser.findElement(By.cssSelector("tr[data-status='INDEXED'] td a"));
		assertThat(link.getText()).isEqualTo("harbour-notes.txt");
		String id = this.browser.findElement(By.cssSelector("tr[data-status='INDEXED']")).getDomAttribute("data-document-id");
		assertThat(search(collection, "brass lantern", "hybrid", 1).path("results").path(0).path("title").asString())
			.isEqualTo("harbour-notes.txt");

		link.click();
		WebElement title = waitFor(By.id("document-title"), Duration.ofSeconds(10));
		assertThat(title.getText()).isEqualTo("harbour-notes.txt");
		assertThat(this.browser.findElement(By.id("document-facts")).getText()).contains(id, "text/plain", "INDEXED");
		// the upload's trace, linked where rag.gateway.trace-url says
		String traceId = this.http.get("/api/v1/collections/" + collection + "/documents/" + id, KEY).json()
			.path("traceId").asString();
		assertThat(traceId).matches("[0-9a-f]{32}");
		WebElement trace = this.browser.findElement(By.id("document-trace"));
		assertThat(trace.getText()).isEqualTo(traceId);
		assertThat(trace.getDomAttribute("href")).isEqualTo("http://traces.example/trace/" + traceId);
		waitFor(By.cssSelector("#document-history table"), Duration.ofSeconds(10));
		String history = this.browser.findElement(By.id("document-history")).getText();
		assertThat(history).contains("RECEIVED", "PARSED", "CHUNKED", "EMBEDDED", "INDEXED");
		assertThat(history.indexOf("RECEIVED")).isLessThan(history.indexOf("INDEXED"));
		List<WebElement> marked = this.browser.findElements(By.cssSelector("#document-text span.chunk[id^='chunk-']"));
		List<WebElement> listed = this.browser.findElements(By.cssSelector("#document-chunks li"));
		JsonNode chunks = this.http.get("/api/v1/collections/" + collection + "/documents/" + id + "/chunks", KEY).json();
		assertThat(chunks.path("total").asInt()).isGreaterThan(1);
		assertThat(marked).hasSize(chunks.path("total").asInt());
		assertThat(listed).hasSize(chunks.path("total").asInt());
		// each marked piece is its chunk's text, at its offsets
		for (JsonNode chunk : chunks.path("chunks")) {
			WebElement piece = this.browser.findElement(By.id("chunk-" + chunk.path("chunkIndex").asInt()));
			assertThat(chunk.path("text").asString().strip()).startsWith(piece.getText().strip());
		}
		this.chromium.screenshot("document-page");

		// the same file again: refused as a duplicate naming the first, then stored when the user insists
		open("documents?collection=" + collection);
		waitFor(By.id("upload-file"), Duration.ofSeconds(10)).sendKeys(file.toAbsolutePath().toString());
		this.browser.findElement(By.id("upload-submit")).click();
		WebElement duplicate = waitFor(By.cssSelector("#uploads .duplicate"), Duration.ofSeconds(20));
		assertThat(duplicate.getText()).contains("Already in the collection", "harbour-notes.txt", "INDEXED");
		assertThat(this.http.get("/api/v1/collections/" + collection + "/documents", KEY).json().path("total").asInt())
			.as("nothing stored yet").isEqualTo(1);
		this.chromium.screenshot("upload-duplicate");
		duplicate.findElement(By.cssSelector("button.upload-anyway")).click();
		waitUntil(Duration.ofSeconds(20), "the copy accepted", (d) -> d.findElement(By.id("uploads")).getText().contains("accepted"));
		assertThat(this.http.get("/api/v1/collections/" + collection + "/documents", KEY).json().path("total").asInt())
			.isEqualTo(2);
	}

	/**
	 * A read-only key limited to one collection: it lands on its collection's documents, sees only the pages it
	 * may use and no create, upload or delete control, and an admin page tells it why instead of failing. A key
	 * naming a collection that does not exist is questioned before it is made.
	 */
	@Test
	@Order(7)
	void aReadOnlyKeyLimitedToOneCollectionSeesOnlyWhatItMayUse() {
		String mine = createCollection("console-mine");
		String other = createCollection("console-other");
		ingest(mine, "tides", "Tide tables", "High tide comes twice a day, about fifty minutes later each day.", Map.of());
		awaitIndexed(mine, 1);

		// a collection name that is not one: asked before the key is made; declined, nothing is made
		open("keys");
		waitFor(By.id("key-name"), Duration.ofSeconds(10)).sendKeys("console-typo");
		this.browser.findElement(By.id("key-collections")).sendKeys("no-such-collection-xyz");
		this.browser.findElement(By.id("key-create")).click();
		Alert question = new WebDriverWait(this.browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
		assertThat(question.getText()).contains("no-such-collection-xyz");
		question.dismiss();
		assertThat(waitFor(By.id("key-unknown-collections"), Duration.ofSeconds(10)).getText()).contains("Not created");
		assertThat(this.http.get("/api/v1/admin/keys", KEY).body()).doesNotContain("console-typo");

		String secret = this.http
			.post("/api/v1/admin/keys", KEY, Map.of("name", "console-limited", "scopes", List.of("read"), "collections", List.of(mine)))
			.json()
			.path("key")
			.asString();
		this.browser.findElement(By.id("sign-out")).click();
		waitFor(By.id("signin-key"), Duration.ofSeconds(10)).sendKeys(secret, Keys.ENTER);
		waitUntil(Duration.ofSeconds(20), "the limited key on its collection's documents",
				(d) -> d.findElement(By.id("main")).getText().contains("Tide tables"));
		assertThat(this.browser.findElements(By.cssSelector("#nav a")).stream().filter(WebElement::isDisplayed)
			.map(WebElement::getText)).containsExactly("Collections", "Documents", "Search", "Citations",
					"API recommendation", "Adapters");
		assertThat(this.browser.findElement(By.id("who")).getText()).contains("console-limited", "read", mine);
		assertThat(this.browser.findElements(By.id("upload-form"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("button.danger"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("#main .problem"))).isEmpty();
		this.chromium.screenshot("limited-key-documents");

		// its collections only, without the create form or delete buttons
		this.browser.findElement(By.linkText("Collections")).click();
		waitUntil(Duration.ofSeconds(10), "its collection listed",
				(d) -> !d.findElements(By.cssSelector("tr[data-collection='" + mine + "']")).isEmpty());
		assertThat(this.browser.findElements(By.cssSelector("tr[data-collection]"))).hasSize(1);
		assertThat(this.browser.findElements(By.id("collection-form"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("button.danger"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("#main .problem"))).isEmpty();
		this.chromium.screenshot("limited-key-collections");

		// the search page offers its collection only
		this.browser.findElement(By.linkText("Search")).click();
		assertThat(new Select(waitFor(By.id("search-collection"), Duration.ofSeconds(10))).getOptions()
			.stream().map((o) -> o.getDomAttribute("value"))).containsExactly(mine);

		// an admin page, reached by its address, says what it needs instead of failing
		open("overview");
		assertThat(waitFor(By.id("not-allowed"), Duration.ofSeconds(10)).getText()).contains("admin scope", "read", mine);
		assertThat(this.browser.findElements(By.cssSelector("#main .problem"))).isEmpty();
		this.chromium.screenshot("limited-key-admin-page");

		this.browser.findElement(By.id("sign-out")).click();
		waitFor(By.id("signin-key"), Duration.ofSeconds(10)).sendKeys(KEY, Keys.ENTER);
		waitUntil(Duration.ofSeconds(10), "the admin key on the overview",
				(d) -> d.findElement(By.id("nav")).isDisplayed() && d.getCurrentUrl().endsWith("#/"));

		// the skip link moves the focus to the page and leaves the page where it is (hash routing)
		String before = this.browser.getCurrentUrl();
		WebElement skip = this.browser.findElement(By.cssSelector("a.skip"));
		script("arguments[0].focus()", skip);
		skip.sendKeys(Keys.ENTER);
		assertThat(this.browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("main");
		assertThat(this.browser.getCurrentUrl()).isEqualTo(before);

		// a deleted collection's documents are not listed as if it were there: the page says it is gone
		ingest(other, "gone", "Gone soon", "A document of a collection about to be deleted.", Map.of());
		awaitIndexed(other, 1);
		assertThat(this.http.delete("/api/v1/collections/" + other, KEY).status()).isEqualTo(204);
		open("documents?collection=" + other);
		WebElement gone = waitFor(By.cssSelector("#main .problem"), Duration.ofSeconds(10));
		assertThat(gone.getText()).contains(other);
		assertThat(this.browser.findElements(By.cssSelector("#documents-list tr[data-status='INDEXED']"))).isEmpty();
	}

	private Object script(String js, Object... args) {
		return ((org.openqa.selenium.JavascriptExecutor) this.browser).executeScript(js, args);
	}

	/** The records of both document dead-letter topics as the overview reports them; -1 while unreadable. */
	private double documentDeadLetters() {
		JsonNode section = this.http.get("/api/v1/admin/overview", KEY).json().path("deadLetters");
		double total = 0;
		int topics = 0;
		for (JsonNode topic : section.path("value")) {
			String name = topic.path("topic").asString();
			if ((name.equals("rag.documents.v1-dlt") || name.equals("rag.documents.interactive.v1-dlt"))
					&& topic.path("records").isNumber()) {
				total += topic.path("records").asDouble();
				topics++;
			}
		}
		return (topics == 2) ? total : -1;
	}

	/** Opens a page of the console ({@code #/hash}), signing in with the admin key if the tab is not signed in. */
	private void open(String hash) {
		// a new query string each time: a change of the fragment alone would not load the page again
		this.browser.get("http://127.0.0.1:" + this.port + "/admin/?load=" + (++this.loads) + "#/" + hash);
		waitUntil(Duration.ofSeconds(10), "the console loaded", (d) -> !d.findElements(By.id("signin-key")).isEmpty()
				|| d.findElement(By.id("nav")).isDisplayed());
		List<WebElement> key = this.browser.findElements(By.id("signin-key"));
		if (!key.isEmpty() && key.get(0).isDisplayed()) {
			key.get(0).sendKeys(KEY, Keys.ENTER);
			waitUntil(Duration.ofSeconds(10), "signed in", (d) -> d.findElement(By.id("nav")).isDisplayed());
		}
	}

	/** A number as the adapters page writes it: an integer as it is, a fraction to four places. */
	private static String shown(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value)
				: String.format(java.util.Locale.ROOT, "%.4f", value);
	}

	private void scrollToTop() {
		((org.openqa.selenium.JavascriptExecutor) this.browser).executeScript("window.scrollTo(0, 0)");
	}

	/** Presses Enter on a button that asks for confirmation, checks the question and accepts it. */
	private void confirm(WebElement button, String mentioned) {
		button.sendKeys(Keys.ENTER);
		Alert alert = new WebDriverWait(this.browser, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
		assertThat(alert.getText()).contains(mentioned);
		alert.accept();
	}

	private String createCollection(String prefix) {
		String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		Http.Response created = this.http.post("/api/v1/collections", KEY, Map.of("name", name));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return name;
	}

	/** A JSON document through the gateway to ingest-service; answers its id. */
	private String ingest(String collection, String externalId, String title, String text, Map<String, Object> metadata) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("externalId", externalId);
		if (title != null) {
			body.put("title", title);
		}
		body.put("text", text);
		if (!metadata.isEmpty()) {
			body.put("metadata", metadata);
		}
		Http.Response accepted = this.http.post("/api/v1/collections/" + collection + "/documents", KEY, body);
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
		return accepted.json().path("documentId").asString();
	}

	/** One method's documentation as the Java API source connector writes it. */
	private void awaitIndexed(String collection, int count) {
		Awaitility.await(count + " documents of " + collection + " indexed").atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(300))
			.until(() -> {
				JsonNode page = this.http.get("/api/v1/collections/" + collection + "/documents?size=1", KEY).json();
				assertThat(page.path("byStatus").path("FAILED").asInt()).as("failed documents: %s", page).isZero();
				return page.path("byStatus").path("INDEXED").asInt() == count;
			});
	}

	/** Document ids a lexical search through the gateway finds. */
	private List<String> foundBy(String collection, String query) {
		List<String> ids = new ArrayList<>();
		search(collection, query, "lexical", 10).path("results").forEach((r) -> ids.add(r.path("documentId").asString()));
		return ids;
	}

	/** The dense ranking itself: the adapter's effect, not a late-interaction rerank of it. */
	private JsonNode dense(String collection, String query) {
		Http.Response found = this.http.post("/api/v1/search", KEY, Map.of("collection", collection, "query", query,
				"mode", "dense", "topK", 3, "rerank", Map.of("enabled", false)));
		assertThat(found.status()).as(found.toString()).isEqualTo(200);
		return found.json();
	}

	private JsonNode search(String collection, String query, String mode, int topK) {
		Http.Response found = this.http.post("/api/v1/search", KEY,
				Map.of("collection", collection, "query", query, "mode", mode, "topK", topK));
		assertThat(found.status()).as(found.toString()).isEqualTo(200);
		return found.json();
	}

	private WebElement waitFor(By locator, Duration timeout) {
		return new WebDriverWait(this.browser, timeout).withMessage(() -> locator + " on " + this.browser.getCurrentUrl()
				+ "; page text: " + pageText())
			.until(ExpectedConditions.visibilityOfElementLocated(locator));
	}

	private void waitUntil(Duration timeout, String what, java.util.function.Function<WebDriver, Boolean> condition) {
		// pages that follow a job re-render their lists: an element found a moment ago may be gone, so look again
		new WebDriverWait(this.browser, timeout).pollingEvery(Duration.ofMillis(300))
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.withMessage(() -> what + "; page text: " + pageText())
			.until(condition);
	}

	private String pageText() {
		try {
			return this.browser.findElement(By.tagName("body")).getText();
		}
		catch (RuntimeException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

}
