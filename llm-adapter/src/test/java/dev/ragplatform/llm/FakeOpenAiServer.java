package dev.ragplatform.llm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local OpenAI-compatible chat completions server ({@code POST /v1/chat/completions}) for tests: it records every
 * request and answers from a script (a queue of replies, then a default), so tests can assert on the prompts the
 * service sends and play timeouts, server errors and malformed answers. It stands in for the one part that cannot
 * exist here, a remote LLM provider.
 */
public final class FakeOpenAiServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();

	private volatile Function<JsonNode, Reply> fallback = (request) -> Reply.status(500, "no reply scripted");

	private FakeOpenAiServer(HttpServer server) {
		this.server = server;
	}

	public static FakeOpenAiServer start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeOpenAiServer fake = new FakeOpenAiServer(server);
			server.createContext("/v1/chat/completions", fake::handle);
			server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return fake;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The base URL clients configure ({@code http://127.0.0.1:<port>/v1}). */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	/** Queues replies, used in order before the default. */
	public FakeOpenAiServer then(Reply... replies) {
		this.script.addAll(List.of(replies));
		return this;
	}

	/** What to answer once the queue is empty, computed from the request. */
	public FakeOpenAiServer otherwise(Function<JsonNode, Reply> reply) {
		this.fallback = reply;
		return this;
	}

	/** Forgets the script and the recorded requests. */
	public void reset() {
		this.script.clear();
		this.requests.clear();
		this.fallback = (request) -> Reply.status(500, "no reply scripted");
	}

	/** Every chat completions request received, in order. */
	public List<JsonNode> requests() {
		return new ArrayList<>(this.requests);
	}

	/** The text of every message of a request, joined. */
	public static String promptOf(JsonNode request) {
		StringBuilder prompt = new StringBuilder();
		for (JsonNode message : request.path("messages")) {
			JsonNode content = message.path("content");
			if (content.isString()) {
				prompt.append(content.asString()).append('\n');
			}
			else {
				for (JsonNode part : content) {
					prompt.append(part.path("text").asString("")).append('\n');
				}
			}
		}
		return prompt.toString();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
			this.requests.add(request);
			Reply reply = this.script.poll();
			if (reply == null) {
				reply = this.fallback.apply(request);
			}
			if (reply.delayMillis() > 0) {
				try {
					Thread.sleep(reply.delayMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			byte[] body;
			if (reply.status() == 200) {
				body = JSON.writeValueAsBytes(Map.of("id", "chatcmpl-fake", "object", "chat.completion", "created",
						System.currentTimeMillis() / 1000, "model", request.path("model").asString("fake"), "choices",
						List.of(Map.of("index", 0, "finish_reason", "stop", "message",
								Map.of("role", "assistant", "content", reply.content()))),
						"usage", Map.of("prompt_tokens", 10, "completion_tokens", 10, "total_tokens", 20)));
			}
			else {
				body = JSON.writeValueAsBytes(Map.of("error", Map.of("message", reply.content(), "type", "server_error")));
			}
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(reply.status(), body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (IOException ex) {
			// the client gave up (a timeout under test): nothing to answer
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * One scripted reply.
	 *
	 * @param status HTTP status (200: {@code content} is the assistant's message; else the error message)
	 * @param content the assistant message or error text
	 * @param delayMillis how long to wait before answering
	 */
	public record Reply(int status, String content, long delayMillis) {

		public static Reply json(Object value) {
			return new Reply(200, JSON.writeValueAsString(value), 0);
		}

		public static Reply text(String content) {
			return new Reply(200, content, 0);
		}

		public static Reply status(int status, String message) {
			return new Reply(status, message, 0);
		}

		public Reply after(long millis) {
			return new Reply(this.status, this.content, millis);
		}

	}


}
