package dev.ragplatform.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real embedding-service, started once per JVM from its packaged jar ({@code embedding-service/target}) on a
 * free loopback port, stopped when the JVM exits. {@code RAG_TEST_EMBEDDING_URL} points at a running one instead.
 * The reactor builds embedding-service before the modules whose integration tests use it.
 */
public final class EmbeddingServiceProcess {

	private static URI shared;

	private EmbeddingServiceProcess() {
	}

	/** Base URL of a ready embedding-service. */
	public static synchronized URI url() {
		if (shared == null) {
			String external = System.getenv("RAG_TEST_EMBEDDING_URL");
			shared = (external != null && !external.isBlank()) ? URI.create(external) : start();
		}
		return shared;
	}

	private static URI start() {
		Path jar = jar();
		int port = freePort();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:TieredStopAtLevel=1"));
		if (Runtime.version().feature() >= 23) {
			command.add("--enable-native-access=ALL-UNNAMED");
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--rag.embedding.built-in-models=bge-small-en-v1.5"));
		Path log = Path.of("target", "embedding-service-" + port + ".log").toAbsolutePath();
		try {
			Files.createDirectories(log.getParent());
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "rag-embedding-stop"));
			URI url = URI.create("http://127.0.0.1:" + port);
			waitUntilReady(process, url, log);
			return url;
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("Cannot start embedding-service from " + jar + ": " + ex, ex);
		}
	}

	private static void waitUntilReady(Process process, URI url, Path log) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new InfrastructureUnavailableException("embedding-service exited with " + process.exitValue()
						+ " while starting; its log is " + log);
			}
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url.resolve("/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InfrastructureUnavailableException("interrupted while starting embedding-service", ex);
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InfrastructureUnavailableException("interrupted while starting embedding-service", ex);
			}
		}
		process.destroy();
		throw new InfrastructureUnavailableException("embedding-service was not ready within 120 s; its log is " + log);
	}

	private static Path jar() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path target = dir.resolve("embedding-service").resolve("target");
			if (Files.isDirectory(target)) {
				try (Stream<Path> files = Files.list(target)) {
					var found = files.filter((f) -> f.getFileName().toString().matches("embedding-service-.*\\.jar"))
						.filter((f) -> !f.getFileName().toString().endsWith("-sources.jar"))
						.findFirst();
					if (found.isPresent()) {
						return found.get();
					}
				}
				catch (IOException ex) {
					break;
				}
			}
		}
		throw new InfrastructureUnavailableException("embedding-service's jar is not built. Run the whole build "
				+ "(./rag test, or ./mvnw verify from the repository root), or first: ./mvnw -pl embedding-service -am "
				+ "package -DskipTests; or set RAG_TEST_EMBEDDING_URL to a running embedding-service.", null);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("no free port: " + ex, ex);
		}
	}

}
