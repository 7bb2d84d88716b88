package dev.ragplatform.gateway;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

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
 * watch it reach INDEXED on the documents page, search it in the playground and find the passage marked. Each step
 * leaves a screenshot in {@code target/e2e-screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "rag.gateway.bootstrap-key=" + AdminConsoleE2EIT.KEY)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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
		BufferedImage chart = new BufferedImage(120, 60, BufferedImage.TYPE_INT_RGB);
		ImageIO.write(chart, "png", reports.resolve("scifact-20261130-115915.png").toFile());
		registry.add("rag.gateway.reports-dir", reports::toString);
	}

	@LocalServerPort
	int port;

	Path temp;

	HeadlessChromium chromium;

	WebDriver browser;

	@BeforeAll
	void startBrowser(@TempDir Path temp) throws IOException {
		this.temp = temp;
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
		waitFor(By.id("collection-name"), Duration.ofSeconds(10)).sendKeys(collection);
		this.browser.findElement(By.id("collection-target-tokens")).sendKeys("24");
		this.browser.findElement(By.id("collection-overlap-tokens")).sendKeys("0");
		this.browser.findElement(By.id("collection-create")).click();
		waitFor(By.cssSelector("tr[data-collection='" + collection + "']"), Duration.ofSeconds(20));
		assertThat(this.browser.findElement(By.id("collection-created")).getText()).contains(collection);

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
		WebElement mark = waitFor(By.cssSelector("#search-results article.result mark"), Duration.ofSeconds(60));
		String passage = this.browser.findElement(By.cssSelector("#search-results article.result .passage")).getText();
		assertThat(mark.getText()).contains("lighthouse keeper polishes the brass lantern")
			.doesNotContain("Volcanic", "Honey");
		assertThat(passage).contains(mark.getText()).contains("Tea grows best");
		assertThat(this.browser.findElement(By.id("search-timings")).getText()).isNotBlank();
		this.chromium.screenshot("search-highlighted");

		// the citation playground: each predicted source beside its evidence
		this.browser.findElement(By.linkText("Citations")).click();
		new org.openqa.selenium.support.ui.Select(waitFor(By.id("citations-collection"), Duration.ofSeconds(10)))
			.selectByValue(collection);
		this.browser.findElement(By.id("citations-text"))
			.sendKeys("Every evening the keeper polishes the brass lantern of the lighthouse [1].");
		this.browser.findElement(By.id("citations-submit")).click();
		WebElement evidence = waitFor(By.cssSelector("article.result.beside .passage mark"), Duration.ofSeconds(60));
		assertThat(evidence.getText()).contains("brass lantern");
		assertThat(this.browser.findElement(By.cssSelector("article.result.beside")).getText()).contains("Lighthouse notes");
		this.chromium.screenshot("citations");

		// an evaluation report with its chart and metrics
		this.browser.findElement(By.linkText("Reports")).click();
		waitFor(By.linkText("scifact-20261130-115915"), Duration.ofSeconds(10)).click();
		WebElement chart = waitFor(By.cssSelector("img.chart"), Duration.ofSeconds(10));
		waitUntil(Duration.ofSeconds(10), "the chart loaded",
				(d) -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d)
					.executeScript("return arguments[0].naturalWidth", chart)).intValue() == 120);
		assertThat(this.browser.findElement(By.id("main")).getText()).contains("nDCG@10", "0.7265", "hybrid");
		this.chromium.screenshot("report");

		// the overview now counts the collection's document and chunks
		this.browser.findElement(By.linkText("Overview")).click();
		waitUntil(Duration.ofSeconds(30), "the collection on the overview",
				(d) -> d.findElement(By.id("main")).getText().contains(collection));
		this.chromium.screenshot("overview-counts");

		// a new read key is shown once
		this.browser.findElement(By.linkText("API keys")).click();
		waitFor(By.id("key-name"), Duration.ofSeconds(10)).sendKeys("console-reader", Keys.ENTER);
		assertThat(waitFor(By.id("key-secret"), Duration.ofSeconds(20)).getText()).startsWith("rag_");
		this.chromium.screenshot("key-created");
	}

	private WebElement waitFor(By locator, Duration timeout) {
		return new WebDriverWait(this.browser, timeout).withMessage(() -> locator + " on " + this.browser.getCurrentUrl()
				+ "; page text: " + pageText())
			.until(ExpectedConditions.visibilityOfElementLocated(locator));
	}

	private void waitUntil(Duration timeout, String what, java.util.function.Function<WebDriver, Boolean> condition) {
		new WebDriverWait(this.browser, timeout).pollingEvery(Duration.ofMillis(300))
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
