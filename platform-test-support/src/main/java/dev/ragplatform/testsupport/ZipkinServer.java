package dev.ragplatform.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Zipkin server (its executable jar, {@code io.zipkin:zipkin-server:exec}, in-memory storage) on a free
 * loopback port, for tests that assert what the services traced through its API. A module's integration tests get
 * one shared per JVM by naming the jar in the system property {@code rag.test.zipkin-jar} (the gateway's pom copies
 * it there); {@link ServiceProcess} then points every service it starts at it ({@code --rag.zipkin.endpoint}).
 */
public final class ZipkinServer {

	/** The system property naming the jar. */
	public static final String JAR_PROPERTY = "rag.test.zipkin-jar";

	private static ZipkinServer shared;

	private final Process process;

	private final int port;

	private ZipkinServer(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** The JVM's shared Zipkin server when {@code rag.test.zipkin-jar} names its jar, else null. */
	public static synchronized URI shared() {
		String jar = System.getProperty(JAR_PROPERTY);
		if (jar == null || jar.isBlank()) {
			return null;
		}
		if (shared == null) {
			shared = start(Path.of(jar));
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "rag-zipkin-stop"));
		}
		return shared.url();
	}

	/** Starts one from its jar and waits until it answers its health check. */
	public static ZipkinServer start(Path jar) {
		if (!Files.isRegularFile(jar)) {
			throw new InfrastructureUnavailableException("No Zipkin server jar at " + jar + ": build the module with "
					+ "Maven (its pom copies io.zipkin:zipkin-server:exec there), or run ./rag up --tracing once");
		}
		int port = freePort();
		String java = ProcessHandle.current().info().command().orElse("java");
		Path log = Path.of("target", "zipkin-" + port + ".log").toAbsolutePath();
		try {
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
					"-XX:+UseSerialGC", "-jar", jar.toString()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.environment().put("QUERY_PORT", Integer.toString(port));
			builder.environment().put("STORAGE_TYPE", "mem");
			ZipkinServer server = new ZipkinServer(builder.start(), port);
			ServiceProcess.awaitOk(server.process, server.url().resolve("/health"), "Zipkin", log, Duration.ofSeconds(90));
			return server;
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("Cannot start Zipkin from " + jar + ": " + ex, ex);
		}
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	public void stop() {
		this.process.destroy();
	}

	/**
	 * The arguments that start a service with tracing {@code off} (no tracer at all) or {@code on} (every span
	 * recorded and sent to {@code zipkin}), for benchmarks that measure what tracing costs.
	 */
	public static List<String> serviceArgs(String mode, ZipkinServer zipkin) {
		return switch (mode) {
			// no tracer at all (Micrometer's no-op one): not even ids for logs; the observations still time things
			case "off" -> List.of("--spring.autoconfigure.exclude=org.springframework.boot.micrometer.tracing."
					+ "opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration");
			case "on" -> List.of("--rag.zipkin.endpoint=" + zipkin.url(), "--management.tracing.sampling.probability=1.0");
			default -> throw new IllegalArgumentException("tracing is off or on, not " + mode);
		};
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
