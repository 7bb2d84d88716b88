package dev.ragplatform.gateway;

import java.util.List;
import java.util.Map;

import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** In-memory token buckets (the default) per key, in front of the real embedding-service. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + RateLimitIT.ADMIN,
		"rag.gateway.rate-limit.replenish-rate=1", "rag.gateway.rate-limit.burst-capacity=3" })
@RealPostgres
class RateLimitIT {

	static final String ADMIN = "rag_rateLimitIT-bootstrap-admin-key-0123456789";

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.embedding.url", () -> Upstreams.embedding().toString());
	}

	@LocalServerPort
	int port;

	@Test
	void eachKeyGetsItsBurstThenA429ProblemWithRetryAfter() {
		Http http = new Http(this.port);
		String first = http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "first", "scopes", List.of("read")))
			.json().path("key").asString();
		String second = http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "second", "scopes", List.of("read")))
			.json().path("key").asString();

		for (int i = 0; i < 3; i++) {
			assertThat(http.get("/api/v1/embeddings/models", first).status()).isEqualTo(200);
		}
		Http.Response limited = http.get("/api/v1/embeddings/models", first);

		assertThat(limited.status()).isEqualTo(429);
		assertThat(limited.problemType()).isEqualTo("https://ragplatform.dev/problems/rate-limited");
		assertThat(limited.header("Retry-After")).isEqualTo("1");
		assertThat(limited.json().path("detail").asString()).contains("first");
		assertThat(http.get("/api/v1/embeddings/models", second).status()).isEqualTo(200);
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
			.until(() -> http.get("/api/v1/embeddings/models", first).status() == 200);
	}

}
