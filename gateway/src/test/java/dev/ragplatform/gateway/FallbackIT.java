package dev.ragplatform.gateway;

import java.util.Map;

import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service that is down (retrieval-service on a closed port): 503 problems that say so, then an open circuit that
 * refuses at once with Retry-After, while the real embedding-service keeps answering through its own circuit.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + FallbackIT.KEY,
		"rag.gateway.circuit-breaker.minimum-calls=4", "rag.gateway.circuit-breaker.sliding-window=4",
		"rag.gateway.circuit-breaker.open-for=60s", "rag.gateway.retry.attempts=0" })
@RealPostgres
class FallbackIT {

	static final String KEY = "rag_fallbackIT-bootstrap-admin-key-0123456789ab";

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.embedding.url", () -> Upstreams.embedding().toString());
		registry.add("rag.gateway.services.retrieval.url", () -> "http://127.0.0.1:" + closedPort());
	}

	/** A port that was free a moment ago: nothing listens there. */
	static int closedPort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@LocalServerPort
	int port;

	@Test
	void aDownServiceIsA503ProblemThenItsCircuitOpens() {
		Http http = new Http(this.port);
		for (int i = 0; i < 4; i++) {
			Http.Response down = http.post("/api/v1/search", KEY, Map.of("collection", "kb", "query", "x"));
			assertThat(down.status()).isEqualTo(503);
			assertThat(down.problemType()).isEqualTo("https://ragplatform.dev/problems/dependency-unavailable");
			assertThat(down.json().path("detail").asString()).isEqualTo("retrieval-service is unreachable (connection refused)");
			assertThat(down.json().path("service").asString()).isEqualTo("retrieval-service");
		}

		Http.Response open = http.get("/api/v1/collections", KEY);
		assertThat(open.status()).isEqualTo(503);
		assertThat(open.problemType()).isEqualTo("https://ragplatform.dev/problems/dependency-unavailable");
		assertThat(open.json().path("detail").asString()).contains("circuit breaker is open");
		assertThat(open.header("Retry-After")).isEqualTo("60");

		Http.Response embedding = http.get("/api/v1/embeddings/models", KEY);
		assertThat(embedding.status()).as(embedding.toString()).isEqualTo(200);
	}

}
