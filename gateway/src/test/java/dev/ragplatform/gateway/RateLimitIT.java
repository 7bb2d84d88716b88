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
		"rag.gateway.rate-limit.replenish-rate=1", "rag.gateway.rate-limit.burst-capacity=3",
		"rag.gateway.rate-limit.costs.apis=3", "rag.gateway.rate-limit.failed-auth-burst=5", "rag.gateway.rate-limit.failed-auth-per-second=0.1",
		// the flood below comes "through a proxy" from its own address, so it blocks no other test's requests
		"server.forward-headers-strategy=framework" })
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

	@Test
	void aFanOutEndpointTakesItsCost() {
		Http http = new Http(this.port);
		String key = http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "costly", "scopes", List.of("read")))
			.json().path("key").asString();
		Map<String, Object> body = Map.of("query", "split a string", "apiCollection", "jdk");
		Http.Response first = http.post("/api/v1/apis/recommend", key, body);
		assertThat(first.status()).as("%s", first).isNotEqualTo(429);
		Http.Response second = http.post("/api/v1/apis/recommend", key, body);
		assertThat(second.status()).as("the first took all 3 tokens").isEqualTo(429);
		assertThat(second.json().path("detail").asString()).contains("this endpoint costs 3");
		assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(1L, 3L);
	}

	@Test
	void aFloodOfMadeUpKeysFromOneAddressIs429BeforeAnyLookupAndGoodKeysThereStillWork() {
		Http http = new Http(this.port);
		String good = http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "good", "scopes", List.of("read")))
			.json().path("key").asString();
		String[] flooder = { "X-Forwarded-For", "203.0.113.7" };
		assertThat(http.send("GET", "/api/v1/embeddings/models", good, null, flooder).status()).isEqualTo(200);
		// five failures fill the address's bucket; the sixth is still answered 401, and empties it
		for (int i = 0; i < 6; i++) {
			Http.Response refused = http.send("GET", "/api/v1/embeddings/models", madeUpKey(i), null, flooder);
			assertThat(refused.status()).as("attempt %d: %s", i, refused).isEqualTo(401);
		}
		Http.Response blocked = http.send("GET", "/api/v1/embeddings/models", madeUpKey(6), null, flooder);
		assertThat(blocked.status()).as("%s", blocked).isEqualTo(429);
		assertThat(blocked.problemType()).isEqualTo("https://ragplatform.dev/problems/rate-limited");
		assertThat(blocked.json().path("detail").asString()).contains("failed authentications from this address");
		assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 10L);
		Http.Response forged = http.send("GET", "/api/v1/embeddings/models", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", null,
				flooder);
		assertThat(forged.status()).as("a forged JWT is not even checked").isEqualTo(429);
		assertThat(http.send("GET", "/api/v1/embeddings/models", good, null, flooder).status())
			.as("a key known to be good still works from the flooded address").isEqualTo(200);
		assertThat(http.get("/api/v1/embeddings/models", madeUpKey(7)).status()).as("another address is not blocked")
			.isEqualTo(401);
	}

	private static String madeUpKey(int i) {
		return "rag_madeUp" + i + "-0123456789abcdefghijklmnopqrstuvwxyz";
	}

}
