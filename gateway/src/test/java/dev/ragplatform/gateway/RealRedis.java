package dev.ragplatform.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


/**
 * A Redis for the Redis-backed rate limit test: {@code RAG_TEST_REDIS_URL} ({@code redis://host:port}) when set,
 * else a throwaway {@code redis-server} from the machine's binaries on a free loopback port (no persistence), stopped
 * at JVM exit. Without either the test <b>fails</b> with the way to get one; it never skips.
 */
final class RealRedis {

	private static URI shared;

	private RealRedis() {
	}

	static synchronized URI url() {
		if (shared == null) {
			String external = System.getenv("RAG_TEST_REDIS_URL");
			shared = (external != null && !external.isBlank()) ? check(URI.create(external)) : start();
		}
		return shared;
	}

	private static URI start() {
		Path binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server")
			.stream()
			.map(Path::of)
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The Redis-backed rate limit test needs Redis and "
					+ "found none: install redis-server (sudo apt-get install -y redis-server; it need not run as a "
					+ "service), or point RAG_TEST_REDIS_URL at one (redis://host:6379).", null));
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("no free port: " + ex, ex);
		}
		try {
			Path log = Path.of("target", "redis-" + port + ".log").toAbsolutePath();
			Files.createDirectories(log.getParent());
			Process process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no", "--daemonize", "no")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "rag-redis-stop"));
			URI url = URI.create("redis://127.0.0.1:" + port);
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < deadline) {
				if (!process.isAlive()) {
					throw new IllegalStateException(binary + " exited at start; its log is " + log, null);
				}
				if (answers(url)) {
					return url;
				}
				Thread.sleep(100);
			}
			throw new IllegalStateException(binary + " did not listen within 20 s; its log is " + log, null);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start " + binary + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static URI check(URI url) {
		if (!answers(url)) {
			throw new IllegalStateException("RAG_TEST_REDIS_URL=" + url + " does not answer PING", null);
		}
		return url;
	}

	private static boolean answers(URI url) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(url.getHost(), (url.getPort() > 0) ? url.getPort() : 6379), 500);
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes());
			byte[] reply = new byte[7];
			int n = socket.getInputStream().read(reply);
			return n > 0 && new String(reply, 0, n).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
