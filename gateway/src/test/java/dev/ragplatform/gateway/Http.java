package dev.ragplatform.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the ITs: real requests to the gateway on its random port. */
final class Http {

	static final JsonMapper JSON = JsonMapper.builder().build();

	// one connection pool per client: a test class never reuses another class's connections
	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI base;

	Http(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	Http(URI base) {
		this.base = base;
	}

	Response get(String path, String key) {
		return send("GET", path, key, null);
	}

	Response post(String path, String key, Object body) {
		return send("POST", path, key, body);
	}

	Response delete(String path, String key) {
		return send("DELETE", path, key, null);
	}

	/** The path is appended as it is (URI.resolve would normalise {@code /../}). */
	Response send(String method, String path, String key, Object body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path)).timeout(Duration.ofSeconds(120));
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		if (body == null) {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		else if (body instanceof byte[] bytes) {
			request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
		}
		else {
			if (headers.length == 0 || !List.of(headers).contains("Content-Type")) {
				request.header("Content-Type", "application/json");
			}
			String text = (body instanceof String s) ? s : JSON.writeValueAsString(body);
			request.method(method, HttpRequest.BodyPublishers.ofString(text));
		}
		return send(this.client, request.build());
	}

	static Response send(HttpRequest request) {
		return send(HttpClient.newHttpClient(), request);
	}

	static Response send(HttpClient client, HttpRequest request) {
		try {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().map(), response.body());
		}
		catch (IOException ex) {
			throw new AssertionError(request.method() + " " + request.uri() + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	record Response(int status, Map<String, List<String>> headers, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((e) -> e.getKey().equalsIgnoreCase(name))
				.map((e) -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		/** Type of a problem answer (asserting it is one). */
		String problemType() {
			if (!String.valueOf(header("Content-Type")).startsWith("application/problem+json")) {
				throw new AssertionError("not a problem: " + this);
			}
			return json().path("type").asString();
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

	/** A multipart/form-data body: text fields, then one part {@code file}; its Content-Type carries the boundary. */
	record Multipart(String contentType, String body) {

		static Multipart of(Map<String, String> fields, String fileName, String fileType, String content) {
			String boundary = "rag" + UUID.randomUUID();
			StringBuilder body = new StringBuilder();
			fields.forEach((name, value) -> body.append("--").append(boundary)
				.append("\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
				.append(value).append("\r\n"));
			body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
				.append(fileName).append("\"\r\nContent-Type: ").append(fileType).append("\r\n\r\n").append(content)
				.append("\r\n--").append(boundary).append("--\r\n");
			return new Multipart("multipart/form-data; boundary=" + boundary, body.toString());
		}

	}

}
