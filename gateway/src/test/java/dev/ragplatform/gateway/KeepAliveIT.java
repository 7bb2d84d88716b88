package dev.ragplatform.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kept-alive connections keep answering, refusals included. Reactor Netty up to 1.3.7 stopped reading a connection
 * when a request arrived before the previous request's operations had terminated and was then answered
 * synchronously (reactor/reactor-netty#4361): the next request on that connection was never answered. Answers the
 * gateway makes itself (401, 403, 404, {@code /api/docs}, the console's files) are synchronous, so a client that sends
 * its next request as soon as it has read an answer (a browser, any pooled HTTP client) hit it: with 1.3.7 this test
 * saw 23 of its 500 connections hang (a first version of 200 connections without the refusals: 2 and 12). Many connections each send a run of requests, each as soon as the previous
 * answer is read, over raw sockets so that nothing hides a lost answer by reconnecting.
 */
// the admin key's requests here are many more than the default bucket holds: rate limits are RateLimitIT's business
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + KeepAliveIT.ADMIN,
		"rag.gateway.rate-limit.replenish-rate=100000", "rag.gateway.rate-limit.burst-capacity=100000" })
@RealPostgres
class KeepAliveIT {

	static final String ADMIN = "rag_keepAliveIT-admin-key-0123456789abcdefgh";

	private static final int CONNECTIONS = 500;

	@LocalServerPort
	int port;

	@Test
	void everyRequestOnAKeptAliveConnectionIsAnswered() throws Exception {
		String reader = new Http(this.port).post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "reader", "scopes", List.of("read"))).json().path("key").asString();
		// answers the gateway makes itself (synchronous) among answers that wait for its database
		List<String> requests = List.of(get("/api/docs", null), get("/api/v1/no-such-route", ADMIN),
				get("/api/v1/admin/keys", reader), get("/api/v1/admin/reports", reader), get("/api/v1/admin/keys", ADMIN),
				get("/api/v1/admin/keys", null), get("/admin/", null), get("/api/docs", null));
		List<String> expected = List.of("200", "404", "403", "403", "200", "401", "200", "200");
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<String>> runs = new ArrayList<>();
			for (int i = 0; i < CONNECTIONS; i++) {
				runs.add(pool.submit(() -> converse(requests)));
			}
			List<String> failures = new ArrayList<>();
			for (Future<String> run : runs) {
				String statuses = run.get();
				if (!statuses.equals(String.join(",", expected))) {
					failures.add(statuses);
				}
			}
			assertThat(failures).as("connections (of %d) whose statuses differ from %s; '-' is a request never answered "
					+ "within 5 s", CONNECTIONS, expected).isEmpty();
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** Sends each request as soon as the previous answer is read; the statuses, '-' for a request left unanswered. */
	private String converse(List<String> requests) throws IOException {
		List<String> statuses = new ArrayList<>();
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			for (int i = 0; i < requests.size(); i++) {
				String request = requests.get(i);
				out.write(request.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				try {
					Answer answer = read(in);
					statuses.add(answer.status());
					if (answer.closes()) {
						break;
					}
				}
				catch (SocketTimeoutException ex) {
					statuses.add("-");
					break;
				}
			}
		}
		return String.join(",", statuses);
	}

	private static String get(String path, String key) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + ((key != null) ? "X-API-Key: " + key + "\r\n" : "")
				+ "\r\n";
	}

	private record Answer(String status, boolean closes) {
	}

	/** One HTTP/1.1 answer: status line, headers, then exactly Content-Length bytes or the chunks. */
	private static Answer read(InputStream in) throws IOException {
		String statusLine = line(in);
		String status = statusLine.split(" ")[1];
		long length = -1;
		boolean chunked = false;
		boolean closes = false;
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			else if (lower.startsWith("connection:") && lower.contains("close")) {
				closes = true;
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0; size = Long
				.parseLong(line(in).split(";")[0].trim(), 16)) {
				in.readNBytes((int) size);
				line(in);
			}
			line(in);
		}
		else if (length > 0) {
			in.readNBytes((int) length);
		}
		return new Answer(status, closes);
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("the gateway closed the connection");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

}
