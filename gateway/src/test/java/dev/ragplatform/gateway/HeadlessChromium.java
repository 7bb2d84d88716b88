package dev.ragplatform.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's Chromium, driven headless through its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code RAG_TEST_CHROMIUM} and {@code RAG_TEST_CHROMEDRIVER} point elsewhere). Nothing is
 * downloaded: Selenium Manager never runs because both binaries are given. Missing binaries fail the test with the
 * install command; they never skip it.
 */
final class HeadlessChromium implements AutoCloseable {

	static final String INSTALL_HINT = "headless Chromium is needed for the admin console's end-to-end test: "
			+ "sudo apt-get install -y chromium chromium-driver (or scripts/install-prerequisites.sh as root), "
			+ "or set RAG_TEST_CHROMIUM and RAG_TEST_CHROMEDRIVER to the browser and its driver";

	private final ChromeDriver driver;

	private final Path screenshots;

	private int shots;

	private HeadlessChromium(ChromeDriver driver, Path screenshots) {
		this.driver = driver;
		this.screenshots = screenshots;
	}

	/** Starts a browser with its profile in {@code profile}; screenshots go to {@code screenshots}. */
	static HeadlessChromium start(Path profile, Path screenshots) {
		Path chromium = binary("RAG_TEST_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
		Path chromedriver = binary("RAG_TEST_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		// quiet on a closed network: no name resolution but the loopback, no background fetches
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--window-size=1366,900",
				"--user-data-dir=" + profile.toAbsolutePath());
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
		try {
			Files.createDirectories(screenshots);
		}
		catch (IOException ex) {
			driver.quit();
			throw new UncheckedIOException(ex);
		}
		return new HeadlessChromium(driver, screenshots);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/** Saves {@code NN-name.png} (numbered in the order taken) and answers its path. */
	Path screenshot(String name) {
		Path file = this.screenshots.resolve(String.format("%02d-%s.png", ++this.shots, name));
		try {
			Files.write(file, this.driver.getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}

	@Override
	public void close() {
		this.driver.quit();
	}

	private static Path binary(String variable, String... candidates) {
		String configured = System.getenv(variable);
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (Files.isExecutable(path)) {
				return path;
			}
			throw new AssertionError(variable + "=" + configured + " is not an executable; " + INSTALL_HINT);
		}
		for (String candidate : candidates) {
			Path path = Path.of(candidate);
			if (Files.isExecutable(path)) {
				return path;
			}
		}
		throw new AssertionError("none of " + String.join(", ", candidates) + " found; " + INSTALL_HINT);
	}

}
