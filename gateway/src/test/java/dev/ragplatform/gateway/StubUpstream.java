package dev.ragplatform.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server standing in for a service where a test must see what arrives upstream (headers, paths, how many
 * attempts) or make the service fail on cue; everything else runs against the real services.
 */
final class StubUpstream implements AutoCloseable {

	/** One received request. */
	record Received(String method, String pathAndQuery, Headers headers, String body) {
	}

	/** An answer to give: status, delay, body. */
	record Answer(int status, Duration delay, String body) {
	}

	private final HttpServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();

	StubUpstream() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** The next answers, in order; when they run out: 200 {"ok":true}. */
	void answer(Answer... answers) {
		this.script.addAll(List.of(answers));
	}

	List<Received> received() {
		return List.copyOf(this.received);
	}

	void reset() {
		this.received.clear();
		this.script.clear();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		URI uri = exchange.getRequestURI();
		this.received.add(new Received(exchange.getRequestMethod(),
				uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""),
				exchange.getRequestHeaders(), body));
		Answer answer = this.script.poll();
		if (answer == null) {
			answer = new Answer(200, Duration.ZERO, "{\"ok\":true}");
		}
		if (!answer.delay().isZero()) {
			try {
				Thread.sleep(answer.delay());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().putAll(Map.of("Content-Type", List.of("application/json")));
		try {
			exchange.sendResponseHeaders(answer.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
		}
		catch (IOException ex) {
			// the gateway gave up waiting
		}
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
