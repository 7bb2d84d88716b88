package dev.ragplatform.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits in Redis (spring.data.redis.host set): two gateway replicas on one database and one Redis share each
 * key's bucket, so the burst is spent across both, in front of the real embedding-service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + RedisRateLimitIT.ADMIN,
		"rag.gateway.rate-limit.replenish-rate=1", "rag.gateway.rate-limit.burst-capacity=4" })
@RealPostgres
class RedisRateLimitIT {

	static final String ADMIN = "rag_redisRateLimitIT-bootstrap-admin-key-01234";

	static ConfigurableApplicationContext secondReplica;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.embedding.url", () -> Upstreams.embedding().toString());
		registry.add("spring.data.redis.host", () -> RealRedis.url().getHost());
		registry.add("spring.data.redis.port", () -> RealRedis.url().getPort());
	}

	@AfterAll
	static void stop() {
		if (secondReplica != null) {
			secondReplica.close();
		}
	}

	@LocalServerPort
	int port;

	@Test
	void replicasShareEachKeysBucket(PostgresDatabase db) {
		secondReplica = new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
				"--spring.data.redis.host=" + RealRedis.url().getHost(), "--spring.data.redis.port=" + RealRedis.url().getPort(),
				"--rag.gateway.bootstrap-key=" + ADMIN, "--rag.gateway.rate-limit.replenish-rate=1",
				"--rag.gateway.rate-limit.burst-capacity=4", "--rag.gateway.services.embedding.url=" + Upstreams.embedding());
		Http one = new Http(this.port);
		Http two = new Http(((WebServerApplicationContext) secondReplica).getWebServer().getPort());
		String key = one.post("/api/v1/admin/keys", ADMIN, Map.of("name", "shared", "scopes", List.of("read")))
			.json().path("key").asString();

		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			statuses.add(one.get("/api/v1/embeddings/models", key).status());
			statuses.add(two.get("/api/v1/embeddings/models", key).status());
		}

		// one bucket of 4 (refilling 1/s) across both replicas; per-replica buckets would have allowed all 6
		assertThat(statuses.stream().filter((s) -> s == 200).count()).isBetween(4L, 5L);
		// the bucket refills 1 a second: on a loaded machine a token may come back before the next call, so the
		// refusal is awaited over a few calls rather than required of the very next one
		Http.Response limited = two.get("/api/v1/embeddings/models", key);
		for (int i = 0; i < 3 && limited.status() != 429; i++) {
			limited = two.get("/api/v1/embeddings/models", key);
		}
		assertThat(limited.status()).isEqualTo(429);
		assertThat(limited.problemType()).isEqualTo("https://ragplatform.dev/problems/rate-limited");
		assertThat(limited.header("Retry-After")).isEqualTo("1");
	}

}
