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
 * One of the platform's services started from its packaged jar ({@code <module>/target/<module>-*.jar}) on a
 * loopback port, ready when its readiness probe says so, stopped when the JVM exits. Tests can stop and restart it
 * on the same port to prove what happens while it is down. The reactor builds the services an integration test
 * starts before the module that runs it.
 */
public final class ServiceProcess implements AutoCloseable {

	private final String module;

	private final int port;

	private final List<String> args;

	private final String maxHeap;

	private final List<String> jvmFlags;

	private Process process;

	private ServiceProcess(String module, int port, List<String> args, String maxHeap, List<String> jvmFlags) {
		this.module = module;
		this.port = port;
		this.args = List.copyOf(args);
		this.maxHeap = maxHeap;
		this.jvmFlags = List.copyOf(jvmFlags);
	}

	/**
	 * Starts {@code module} with {@code args} (Spring Boot command-line properties) on a free port and waits until
	 * it is ready.
	 */
	public static ServiceProcess start(String module, String maxHeap, List<String> args) {
		return start(module, maxHeap, List.of(), args);
	}

	/**
	 * Starts {@code module} as {@link #start(String, String, List)} does, with extra JVM flags (such as the
	 * {@code -XX:+ExitOnOutOfMemoryError} of the container image).
	 */
	public static ServiceProcess start(String module, String maxHeap, List<String> jvmFlags, List<String> args) {
		ServiceProcess service = new ServiceProcess(module, freePort(), args, maxHeap, jvmFlags);
		service.start();
		Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "rag-" + module + "-stop"));
		return service;
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	public int port() {
		return this.port;
	}

	/** The exit code once it has exited on its own or been stopped, or null while it runs. */
	public synchronized Integer exitCode() {
		return (this.process != null && !this.process.isAlive()) ? this.process.exitValue() : null;
	}

	/** Where its output goes. */
	public Path log() {
		return Path.of("target", this.module + "-" + this.port + ".log").toAbsolutePath();
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/** Starts it again on the same port with the same arguments. */
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		Path jar = jar(this.module);
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx" + this.maxHeap));
		// quick start-up for tests; benchmarks set RAG_SERVICE_JVM_FLAGS to "" for the full JIT
		String flags = System.getenv().getOrDefault("RAG_SERVICE_JVM_FLAGS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
		for (String flag : flags.trim().split("\\s+")) {
			if (!flag.isEmpty()) {
				command.add(flag);
			}
		}
		command.addAll(this.jvmFlags);
		if (Runtime.version().feature() >= 23) {
			command.add("--enable-native-access=ALL-UNNAMED");
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.addAll(List.of("-jar", jar.toString(), "--server.port=" + this.port, "--server.address=127.0.0.1"));
		URI zipkin = ZipkinServer.shared(); // the tests of a module that asks for one trace every service they start
		if (zipkin != null) {
			command.add("--rag.zipkin.endpoint=" + zipkin);
		}
		command.addAll(this.args);
		Path log = log();
		try {
			Files.createDirectories(log.getParent());
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			waitUntilReady(log);
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("Cannot start " + this.module + " from " + jar + ": " + ex, ex);
		}
	}

	/** Kills it (SIGKILL: no graceful shutdown, as a crash would) and waits until it is gone. */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			waitFor();
		}
	}

	/** Stops it gracefully. */
	public synchronized void stop() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			waitFor();
		}
	}

	@Override
	public void close() {
		stop();
	}

	private void waitFor() {
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void waitUntilReady(Path log) {
		awaitOk(this.process, url().resolve("/actuator/health/readiness"), this.module, log, Duration.ofSeconds(180));
	}

	/**
	 * Waits until {@code probe} answers 200, failing when the process exits first or {@code limit} passes (the
	 * process is then stopped).
	 */
	static void awaitOk(Process process, URI probe, String what, Path log, Duration limit) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new InfrastructureUnavailableException(what + " exited with " + process.exitValue()
						+ " while starting; its log is " + log);
			}
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(probe)
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
				throw new InfrastructureUnavailableException("interrupted while starting " + what, ex);
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InfrastructureUnavailableException("interrupted while starting " + what, ex);
			}
		}
		process.destroy();
		throw new InfrastructureUnavailableException(what + " was not ready within " + limit.toSeconds()
				+ " s; its log is " + log);
	}

	private static Path jar(String module) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path target = dir.resolve(module).resolve("target");
			if (Files.isDirectory(target)) {
				try (Stream<Path> files = Files.list(target)) {
					var found = files.filter((f) -> f.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
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
		throw new InfrastructureUnavailableException(module + "'s jar is not built. Run the whole build (./rag test, "
				+ "or ./mvnw verify from the repository root), or first: ./mvnw -pl " + module
				+ " -am package -DskipTests.", null);
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
