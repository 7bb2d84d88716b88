package dev.ragplatform.gateway;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys, scopes and collection allow-lists against the real retrieval-service and embedding-service: keys made
 * through the admin endpoints, each kind of key calling what it may and refused (401/403 problems) what it may not.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.gateway.bootstrap-key=" + SecurityIT.ADMIN)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

	static final String ADMIN = "rag_securityIT-bootstrap-admin-key-0123456789";

	static final String UNAUTHORIZED = "https://ragplatform.dev/problems/unauthorized";

	static final String FORBIDDEN = "https://ragplatform.dev/problems/forbidden";

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.embedding.url", () -> Upstreams.embedding().toString());
		registry.add("rag.gateway.services.retrieval.url", () -> Upstreams.retrieval().toString());
	}

	@LocalManagementPort
	int managementPort;

	@LocalServerPort
	int port;

	Http http;

	String mine;

	String theirs;

	@BeforeAll
	void collections() {
		this.http = new Http(this.port);
		this.mine = "mine-" + UUID.randomUUID().toString().substring(0, 8);
		this.theirs = "theirs-" + UUID.randomUUID().toString().substring(0, 8);
		for (String name : List.of(this.mine, this.theirs)) {
			assertThat(this.http.post("/api/v1/collections", ADMIN, Map.of("name", name)).status()).isEqualTo(201);
		}
	}

	String createKey(String name, List<String> scopes, List<String> collections) {
		Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "scopes", scopes));
		if (collections != null) {
			body.put("collections", collections);
		}
		Http.Response created = this.http.post("/api/v1/admin/keys", ADMIN, body);
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.header("Location")).isEqualTo("/api/v1/admin/keys/" + created.json().path("id").asString());
		return created.json().path("key").asString();
	}

	@Test
	void withoutAValidKeyEveryApiCallIs401() {
		for (Http.Response response : List.of(this.http.get("/api/v1/collections", null),
				this.http.get("/api/v1/collections", "rag_unknownunknownunknownunknownunknown00"),
				this.http.get("/api/v1/collections", "not-a-key"),
				this.http.send("GET", "/api/v1/collections", null, null, "Authorization", "Basic YWRtaW46YWRtaW4="),
				this.http.get("/api/v1/nothing-here", null), this.http.get("/api/v1/admin/keys", null))) {
			assertThat(response.status()).as(response.toString()).isEqualTo(401);
			assertThat(response.problemType()).isEqualTo(UNAUTHORIZED);
			assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
			assertThat(response.header("X-Request-Id")).isNotBlank();
		}
		// JWTs are off by default, and saying so helps
		Http.Response jwt = this.http.get("/api/v1/collections", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
		assertThat(jwt.status()).isEqualTo(401);
		assertThat(jwt.json().path("detail").asString()).contains("JWTs are off");
	}

	@Test
	void actuatorIsOnlyOnTheManagementPortAndDocsNeedNoKey() {
		// the port the Ingress reaches serves no metrics and no health details, with a key or without
		for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/health/readiness",
				"/actuator/env", "/actuator")) {
			assertThat(this.http.get(path, null).status()).as(path).isEqualTo(404);
			assertThat(this.http.get(path, ADMIN).status()).as(path).isEqualTo(404);
		}
		Http management = new Http(this.managementPort);
		assertThat(management.get("/actuator/health/readiness", null).status()).isEqualTo(200);
		assertThat(management.get("/actuator/prometheus", null).status()).isEqualTo(200);
		Http.Response docs = this.http.get("/api/docs", null);
		assertThat(docs.status()).isEqualTo(200);
		JsonNode search = docs.json().path("paths").path("/api/v1/search").path("post");
		assertThat(search.path("x-rag-service").asString()).isEqualTo("retrieval-service");
		assertThat(search.path("x-rag-upstream").asString()).isEqualTo("/v1/search");
		assertThat(search.path("x-rag-scope").asString()).isEqualTo("read");
		assertThat(docs.json().path("paths").path("/api/v1/admin/keys").path("post").path("x-rag-scope").asString())
			.isEqualTo("admin");
	}

	@Test
	void aReadKeyReadsButDoesNotWriteOrManage() {
		String read = createKey("reader", List.of("read"), null);

		assertThat(this.http.get("/api/v1/collections", read).status()).isEqualTo(200);
		assertThat(this.http.get("/api/v1/collections/" + this.mine, read).status()).isEqualTo(200);
		assertThat(this.http.post("/api/v1/search", read, Map.of("collection", this.mine, "query", "x", "mode", "lexical"))
			.status()).isEqualTo(200);
		Http.Response write = this.http.post("/api/v1/collections", read, Map.of("name", "nope"));
		assertThat(write.status()).isEqualTo(403);
		assertThat(write.problemType()).isEqualTo(FORBIDDEN);
		assertThat(write.json().path("detail").asString()).contains("needs the write scope").contains("[read]");
		assertThat(this.http.delete("/api/v1/collections/" + this.mine, read).status()).isEqualTo(403);
		assertThat(this.http.get("/api/v1/admin/keys", read).status()).isEqualTo(403);
		// X-API-Key works as well as Authorization: Bearer
		assertThat(this.http.send("GET", "/api/v1/collections", null, null, "X-API-Key", read).status()).isEqualTo(200);
	}

	@Test
	void aWriteKeyWritesAndReadsButDoesNotManage() {
		String write = createKey("writer", List.of("write"), null);
		String name = "w-" + UUID.randomUUID().toString().substring(0, 8);

		assertThat(this.http.post("/api/v1/collections", write, Map.of("name", name)).status()).isEqualTo(201);
		assertThat(this.http.get("/api/v1/collections/" + name, write).status()).isEqualTo(200);
		assertThat(this.http.delete("/api/v1/collections/" + name, write).status()).isEqualTo(204);
		assertThat(this.http.post("/api/v1/admin/keys", write, Map.of("name", "x")).status()).isEqualTo(403);
	}

	@Test
	void aKeyLimitedToCollectionsUsesOnlyThose() {
		String limited = createKey("limited", List.of("write"), List.of(this.mine));

		assertThat(this.http.get("/api/v1/collections/" + this.mine, limited).status()).isEqualTo(200);
		assertThat(this.http.post("/api/v1/search", limited, Map.of("collection", this.mine, "query", "x", "mode", "lexical"))
			.status()).isEqualTo(200);
		assertThat(this.http.post("/api/v1/embeddings", limited, Map.of("input", "no collection here")).status())
			.isEqualTo(200);

		Http.Response path = this.http.get("/api/v1/collections/" + this.theirs, limited);
		assertThat(path.status()).isEqualTo(403);
		assertThat(path.json().path("detail").asString()).contains("may not use collection '" + this.theirs + "'");
		Http.Response body = this.http.post("/api/v1/search", limited, Map.of("collection", this.theirs, "query", "x"));
		assertThat(body.status()).isEqualTo(403);
		assertThat(body.problemType()).isEqualTo(FORBIDDEN);
		assertThat(this.http.get("/api/v1/collections", limited).status()).isEqualTo(403);
		assertThat(this.http.post("/api/v1/collections", limited, Map.of("name", this.theirs + "x")).status()).isEqualTo(403);
		assertThat(this.http.delete("/api/v1/collections/" + this.theirs, limited).status()).isEqualTo(403);
		assertThat(this.http.post("/api/v1/apis/recommend", limited,
				Map.of("query", "q", "apiCollection", this.mine, "examplesCollection", this.theirs)).status()).isEqualTo(403);
		assertThat(this.http.send("POST", "/api/v1/apis/examples:import", limited, "x", "Content-Type",
				"multipart/form-data; boundary=b").status()).isEqualTo(403);

		// ways around the check are refused, not let through
		String duplicate = "{\"collection\": \"" + this.mine + "\", \"collection\": \"" + this.theirs + "\", \"query\": \"x\"}";
		assertThat(this.http.post("/api/v1/search", limited, duplicate).status()).isEqualTo(400);
		assertThat(this.http.post("/api/v1/search", limited, Map.of("collection", List.of(this.theirs))).status())
			.isEqualTo(400);
		assertThat(this.http.send("POST", "/api/v1/search", limited,
				"{\"collection\": \"" + this.theirs + "\"}", "Content-Type", "text/plain").status()).isEqualTo(415);
		Http.Response dots = this.http.get("/api/v1/collections/" + this.mine + "/../" + this.theirs, limited);
		assertThat(dots.status()).isEqualTo(400);
		assertThat(this.http.get("/api/v1/collections/" + this.mine + "/%2e%2e/" + this.theirs, limited).status())
			.isEqualTo(400);
		// the retrieval-service really still has it
		assertThat(this.http.get("/api/v1/collections/" + this.theirs, ADMIN).status()).isEqualTo(200);
	}

	@Test
	void keysAreShownOnceListedWithoutSecretsAndDeletable() {
		String key = createKey("short-lived", List.of("read"), null);
		Http.Response list = this.http.get("/api/v1/admin/keys", ADMIN);

		assertThat(list.status()).isEqualTo(200);
		assertThat(list.body()).doesNotContain(key).doesNotContain("hash").doesNotContain("\"key\"");
		JsonNode entry = null;
		for (JsonNode k : list.json()) {
			if (key.startsWith(k.path("prefix").asString()) && k.path("name").asString().equals("short-lived")) {
				entry = k;
			}
		}
		assertThat(entry).isNotNull();
		assertThat(this.http.get("/api/v1/collections", key).status()).isEqualTo(200);

		assertThat(this.http.delete("/api/v1/admin/keys/" + entry.path("id").asString(), ADMIN).status()).isEqualTo(204);

		Http.Response after = this.http.get("/api/v1/collections", key);
		assertThat(after.status()).isEqualTo(401);
		assertThat(after.json().path("detail").asString()).contains("unknown, deleted or expired");
		assertThat(this.http.get("/api/v1/admin/keys/" + entry.path("id").asString(), ADMIN).status()).isEqualTo(404);
	}

	@Test
	void keysExpireAndRecordTheirLastUse() throws Exception {
		java.time.Instant expiresAt = java.time.Instant.now().plusSeconds(3);
		Http.Response created = this.http.post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "expiring", "scopes", List.of("read"), "expiresAt", expiresAt.toString()));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String key = created.json().path("key").asString();
		String id = created.json().path("id").asString();
		assertThat(created.json().path("expiresAt").asString()).isNotBlank();
		assertThat(this.http.get("/api/v1/admin/keys/" + id, ADMIN).json().path("lastUsedAt").isNull()).isTrue();

		assertThat(this.http.get("/api/v1/collections", key).status()).isEqualTo(200);
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
			.until(() -> !this.http.get("/api/v1/admin/keys/" + id, ADMIN).json().path("lastUsedAt").isNull());

		Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), expiresAt).toMillis() + 200));
		Http.Response expired = this.http.get("/api/v1/collections", key);
		assertThat(expired.status()).as(expired.toString()).isEqualTo(401);
		assertThat(expired.json().path("detail").asString()).contains("expired");
	}

	@Test
	void badKeyRequestsAreProblems() {
		Http.Response scope = this.http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "x", "scopes", List.of("root")));
		Http.Response collection = this.http.post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "x", "collections", List.of("Bad Name")));
		Http.Response noName = this.http.post("/api/v1/admin/keys", ADMIN, Map.of("scopes", List.of("read")));
		Http.Response limitedAdmin = this.http.post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "x", "scopes", List.of("admin"), "collections", List.of(this.mine)));
		Http.Response pastExpiry = this.http.post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "x", "expiresAt", "2020-01-01T00:00:00Z"));

		for (Http.Response response : List.of(scope, collection, noName, limitedAdmin, pastExpiry)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/invalid-request");
		}
	}

	@Test
	void theLastAdminKeyCannotBeDeleted() {
		JsonNode keys = this.http.get("/api/v1/admin/keys", ADMIN).json();
		String lastAdmin = null;
		int admins = 0;
		for (JsonNode k : keys) {
			if (k.path("scopes").toString().contains("admin")) {
				admins++;
				lastAdmin = k.path("id").asString();
			}
		}
		assertThat(admins).isEqualTo(1);

		Http.Response response = this.http.delete("/api/v1/admin/keys/" + lastAdmin, ADMIN);

		assertThat(response.status()).isEqualTo(409);
		assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/conflict");
	}

}
