package dev.ragplatform.runtime.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ServiceClient} against a real HTTP server that answers the statuses each test lines up. */
class ServiceClientTests {

	private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

	private final AtomicInteger received = new AtomicInteger();

	private HttpServer server;

	private final ServiceClient.Policy fast = new ServiceClient.Policy(Duration.ofSeconds(1), 50, 4, 4,
			Duration.ofSeconds(30), 3, Duration.ofMillis(10));

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
		this.server.createContext("/", (exchange) -> {
			this.received.incrementAndGet();
			Integer status = this.statuses.poll();
			byte[] body = "{\"detail\":\"said so\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders((status != null) ? status : 200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	private ServiceClient client() {
		return ServiceClient.create(RestClient.builder(), "peer",
				URI.create("http://127.0.0.1:" + this.server.getAddress().getPort()), Duration.ofSeconds(2), this.fast,
				new SimpleMeterRegistry());
	}

	private static String get(RestClient http) {
		return http.get().uri("/x").retrieve().body(String.class);
	}

	@Test
	void anIdempotentCallIsRetriedThroughA503() {
		this.statuses.add(503);
		this.statuses.add(502);

		assertThat(client().idempotent(ServiceClientTests::get)).contains("said so");
		assertThat(this.received).hasValue(3);
	}

	@Test
	void aCallThatChangesSomethingIsNeverRepeated() {
		this.statuses.add(503);

		assertThatThrownBy(() -> client().call(ServiceClientTests::get)).isInstanceOf(HttpServerErrorException.class);
		assertThat(this.received).hasValue(1);
	}

	@Test
	void theCallersMistakesAreNeitherRetriedNorHeldAgainstTheService() {
		ServiceClient client = client();
		for (int i = 0; i < 6; i++) {
			this.statuses.add(404);
			assertThatThrownBy(() -> client.idempotent(ServiceClientTests::get))
				.isInstanceOf(HttpClientErrorException.NotFound.class);
		}
		assertThat(this.received).hasValue(6);
		assertThat(client.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aFailingServiceOpensTheBreakerAndIsNoLongerCalled() {
		ServiceClient client = client();
		for (int i = 0; i < 4; i++) {
			this.statuses.add(500);
			assertThatThrownBy(() -> client.call(ServiceClientTests::get)).isInstanceOf(HttpServerErrorException.class);
		}
		int calls = this.received.get();

		assertThatThrownBy(() -> client.idempotent(ServiceClientTests::get))
			.isInstanceOf(ServiceClient.CircuitOpenException.class)
			.hasMessageContaining("peer is failing and its circuit breaker is open");
		assertThat(this.received).hasValue(calls);
		assertThat(client.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void aServiceThatIsNotThereIsReportedUnreachable() throws IOException {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		ServiceClient client = ServiceClient.create(RestClient.builder(), "gone",
				URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1), this.fast, null);

		assertThatThrownBy(() -> client.idempotent(ServiceClientTests::get)).isInstanceOf(ResourceAccessException.class);
	}

}
