package dev.ragplatform.gateway;

import java.time.Duration;
import java.util.List;

import dev.ragplatform.gateway.StubUpstream.Answer;
import dev.ragplatform.gateway.StubUpstream.Received;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches a service and what the gateway does with its answers, seen from a stand-in server for rerank-service
 * (the only way to watch headers arrive and to make a service fail on cue): path rewriting, request id and
 * {@code traceparent} propagation, credentials stripped, GETs retried and POSTs not, timeouts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + UpstreamBehaviourIT.ADMIN,
		"rag.gateway.services.rerank.timeout=1500ms", "rag.gateway.retry.first-backoff=10ms" })
@RealPostgres
class UpstreamBehaviourIT {

	static final String ADMIN = "rag_upstreamBehaviourIT-admin-key-0123456789";

	static final StubUpstream STUB = new StubUpstream();

	@DynamicPropertySource
	static void stub(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.rerank.url", () -> STUB.url().toString());
	}

	@AfterAll
	static void stop() {
		STUB.close();
	}

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void reset() {
		this.http = new Http(this.port);
		STUB.reset();
	}

	@Test
	void rewritesPathsKeepsQueriesAndStripsCredentials() {
		Http.Response models = this.http.send("GET", "/api/v1/rerank/models?x=1", ADMIN, null, "X-API-Key", ADMIN,
				"X-Rag-Caller-Scopes", "forged");
		Http.Response rerank = this.http.post("/api/v1/rerank", ADMIN, "{\"query\":\"q\",\"documents\":[\"d\"]}");

		assertThat(models.status()).isEqualTo(200);
		assertThat(rerank.status()).isEqualTo(200);
		List<Received> received = STUB.received();
		assertThat(received).extracting(Received::method, Received::pathAndQuery)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/v1/models?x=1"),
					org.assertj.core.groups.Tuple.tuple("POST", "/v1/rerank"));
		assertThat(received.get(1).body()).isEqualTo("{\"query\":\"q\",\"documents\":[\"d\"]}");
		for (Received r : received) {
			assertThat(r.headers().containsKey("Authorization")).isFalse();
			assertThat(r.headers().containsKey("X-api-key")).isFalse();
			// what the caller may do, in the gateway's own words only
			assertThat(r.headers().get("X-rag-caller-scopes")).containsExactly("admin,read,write");
		}
	}

	@Test
	void passesRequestIdAndTraceContextUpstreamAndEchoesTheId() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		Http.Response given = this.http.send("GET", "/api/v1/rerank/models", ADMIN, null, "X-Request-Id", "req-42",
				"traceparent", traceparent, "tracestate", "rag=1");
		Http.Response generated = this.http.get("/api/v1/rerank/models", ADMIN);

		assertThat(given.header("X-Request-Id")).isEqualTo("req-42");
		assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");
		List<Received> received = STUB.received();
		assertThat(received.get(0).headers().getFirst("X-Request-Id")).isEqualTo("req-42");
		// the caller's trace, continued from the gateway's own span (a new parent id), sampled as the caller said
		assertThat(received.get(0).headers().getFirst("traceparent"))
			.matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
			.isNotEqualTo(traceparent);
		assertThat(received.get(0).headers().getFirst("tracestate")).isEqualTo("rag=1");
		assertThat(received.get(1).headers().getFirst("X-Request-Id")).isEqualTo(generated.header("X-Request-Id"));
	}

	@Test
	void anInsaneRequestIdIsReplacedNotEchoed() {
		Http.Response response = this.http.send("GET", "/api/v1/rerank/models", ADMIN, null, "X-Request-Id", "<b>x</b>");

		assertThat(response.header("X-Request-Id")).matches("[0-9a-f-]{36}");
		assertThat(STUB.received().get(0).headers().getFirst("X-Request-Id")).isEqualTo(response.header("X-Request-Id"));
	}

	@Test
	void retriesGetsOnA503() {
		STUB.answer(new Answer(503, Duration.ZERO, "{}"), new Answer(502, Duration.ZERO, "{}"));

		Http.Response response = this.http.get("/api/v1/rerank/models", ADMIN);

		assertThat(response.status()).isEqualTo(200);
		assertThat(STUB.received()).hasSize(3);
	}

	@Test
	void neverRetriesPosts() {
		STUB.answer(new Answer(503, Duration.ZERO, "{\"type\":\"https://ragplatform.dev/problems/overloaded\"}"));

		Http.Response response = this.http.post("/api/v1/rerank", ADMIN, "{\"query\":\"q\",\"documents\":[\"d\"]}");

		assertThat(response.status()).isEqualTo(503);
		assertThat(response.body()).contains("overloaded"); // the service's own answer, passed on
		assertThat(STUB.received()).hasSize(1);
	}

	@Test
	void aServiceSlowerThanItsTimeoutIsA504Problem() {
		STUB.answer(new Answer(200, Duration.ofSeconds(4), "{}"));

		Http.Response response = this.http.post("/api/v1/rerank", ADMIN, "{\"query\":\"q\",\"documents\":[\"d\"]}");

		assertThat(response.status()).isEqualTo(504);
		assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/dependency-unavailable");
		assertThat(response.json().path("detail").asString()).contains("rerank-service did not answer in time");
		assertThat(response.json().path("requestId").asString()).isEqualTo(response.header("X-Request-Id"));
	}

	@Test
	void aBurstOfSlowCallsWithinTheRateLimitIsServedNotShed() throws Exception {
		// the soak at the documented rate limit found Spring Cloud CircuitBreaker's default bulkhead (25 concurrent
		// calls per service) answering 503 "unreachable" to searches the service would have served
		int calls = 40;
		for (int i = 0; i < calls; i++) {
			STUB.answer(new Answer(200, Duration.ofMillis(500), "{}"));
		}
		List<java.util.concurrent.Future<Integer>> statuses;
		try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
			statuses = java.util.stream.IntStream.range(0, calls)
				.mapToObj((i) -> threads.submit(() -> this.http
					.post("/api/v1/rerank", ADMIN, "{\"query\":\"q\",\"documents\":[\"d\"]}").status()))
				.toList();
		}
		for (var status : statuses) {
			assertThat(status.get()).isEqualTo(200);
		}
		assertThat(STUB.received()).hasSize(calls);
	}

	@Test
	void bodiesOverTheLimitAreRefusedBeforeReachingTheService() {
		byte[] big = new byte[3 * 1024 * 1024];
		java.util.Arrays.fill(big, (byte) 'a');

		Http.Response response = this.http.send("POST", "/api/v1/rerank", ADMIN, big, "Content-Type", "application/json");

		assertThat(response.status()).isEqualTo(413);
		assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/payload-too-large");
		assertThat(STUB.received()).isEmpty();
	}

}
