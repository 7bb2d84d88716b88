package dev.ragplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker in its own JVM, from the Kafka server jars on this test JVM's class path (the ones the
 * in-process broker uses), for tests that must kill the broker and start it again on the same ports with the same
 * data: what a broker restart or crash looks like to the services. Formatted once, in a temporary directory removed
 * when the JVM exits.
 */
public final class KafkaProcess implements AutoCloseable {

	private static final Duration READY = Duration.ofSeconds(60);

	private final Path dir;

	private final Path config;

	private final int port;

	private Process process;

	private KafkaProcess(Path dir, Path config, int port) {
		this.dir = dir;
		this.config = config;
		this.port = port;
	}

	/** Formats a data directory and starts the broker on free ports. */
	public static KafkaProcess start() {
		try {
			Path dir = Files.createTempDirectory("rag-kafka-");
			int port = freePort();
			int controller = freePort();
			Path config = dir.resolve("server.properties");
			Files.writeString(config, String.join("\n", "process.roles=broker,controller", "node.id=1",
					"controller.quorum.voters=1@127.0.0.1:" + controller,
					"listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
					"listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
					"log.dirs=" + dir.resolve("data"), "num.partitions=1", "offsets.topic.replication.factor=1",
					"offsets.topic.num.partitions=1", "transaction.state.log.replication.factor=1",
					"transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
					"share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
			run(List.of("kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
					"-c", config.toString()),
					dir.resolve("format.log"));
			KafkaProcess kafka = new KafkaProcess(dir, config, port);
			Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "rag-kafka-process-stop"));
			kafka.restart();
			return kafka;
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("Cannot start a Kafka broker process: " + ex.getMessage(), ex);
		}
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/** Starts the broker (again) on the same ports with the same data, and waits until it serves. */
	public synchronized void restart() {
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		Path log = this.dir.resolve("broker.log");
		try {
			Files.deleteIfExists(log);
			this.process = new ProcessBuilder(command(List.of("kafka.Kafka", this.config.toString())))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			long deadline = System.nanoTime() + READY.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new InfrastructureUnavailableException("The Kafka broker process exited with "
							+ this.process.exitValue() + "; its log: " + log);
				}
				if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Kafka Server started")) {
					return;
				}
				Thread.sleep(100);
			}
			throw new InfrastructureUnavailableException("The Kafka broker did not start within " + READY + "; log: " + log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Kills the broker (SIGKILL, as a crash would) and waits until it is gone. */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public synchronized void close() {
		kill();
	}

	private static void run(List<String> main, Path log) throws IOException {
		try {
			Process format = new ProcessBuilder(command(main)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
				throw new IOException(String.join(" ", main) + " failed; its output: " + Files.readString(log));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static List<String> command(List<String> main) {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
		if (Runtime.version().feature() >= 23) {
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path")));
		command.addAll(main);
		return command;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
