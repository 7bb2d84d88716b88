package dev.ragplatform.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's own endpoints without any service behind the gateway (every service is a closed port): the overview
 * says honestly what it could not read; reports are served from {@code rag.gateway.reports-dir} and nothing else;
 * both need the admin scope; the console's files are served at {@code /admin/} with a content security policy.
 * The overview against the real services is part of {@link AdminConsoleE2EIT}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.gateway.bootstrap-key=" + AdminEndpointsIT.ADMIN)
@RealPostgres
class AdminEndpointsIT {

	static final String ADMIN = "rag_adminEndpointsIT-admin-key-0123456789abcd";

	static Path reports;

	@DynamicPropertySource
	static void reportsDir(DynamicPropertyRegistry registry) {
		try {
			reports = Files.createTempDirectory("rag-reports");
			Files.writeString(reports.resolve("scifact-20261130-115915.json"),
					"{\"suite\": \"scifact\", \"metrics\": {\"dense\": {\"nDCG@10\": 0.7071}}}");
			Files.writeString(reports.resolve("scifact-20261130-115915.md"), "# scifact\n");
			Files.write(reports.resolve("scifact-20261130-115915.png"), new byte[] { (byte) 0x89, 'P', 'N', 'G' });
			Files.writeString(reports.resolve("bench-gateway-20261129-101010.md"), "# bench\n");
			Files.writeString(reports.resolve("notes.txt"), "not a report");
			Files.writeString(reports.getParent().resolve("secret.json"), "{}");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("rag.gateway.reports-dir", reports::toString);
	}

	@LocalServerPort
	int port;

	@Test
	void theOverviewSaysWhatItCouldNotRead() {
		Http.Response response = new Http(this.port).get("/api/v1/admin/overview", ADMIN);

		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		JsonNode overview = response.json();
		assertThat(overview.path("services").values()).hasSize(5)
			.allSatisfy((s) -> assertThat(s.path("status").asString()).isEqualTo("UNREACHABLE"));
		assertThat(overview.path("services").get(0).path("name").asString()).isEqualTo("ingest-service");
		// what happened, not the address it happened at (that is in the gateway's log)
		assertThat(overview.path("services").get(0).path("detail").asString())
			.isEqualTo("unreachable (connection refused)");
		assertThat(overview.toString()).doesNotContain("127.0.0.1");
		for (String section : List.of("collections", "ingest", "consumerLag", "deadLetters")) {
			assertThat(overview.path(section).path("available").asBoolean()).as(section).isFalse();
			assertThat(overview.path(section).path("detail").asString()).as(section).isNotBlank();
		}
	}

	@Test
	void reportsAreListedNewestFirstWithTheirFiles() {
		Http.Response response = new Http(this.port).get("/api/v1/admin/reports", ADMIN);

		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		JsonNode listing = response.json();
		assertThat(listing.path("available").asBoolean()).isTrue();
		assertThat(listing.path("reports").values()).hasSize(2);
		JsonNode first = listing.path("reports").get(0);
		assertThat(first.path("name").asString()).isEqualTo("scifact-20261130-115915");
		assertThat(first.path("suite").asString()).isEqualTo("scifact");
		assertThat(first.path("time").asString()).startsWith("2026-11-30T11:59:15");
		assertThat(first.path("files").path("png").asString()).isEqualTo("scifact-20261130-115915.png");
		assertThat(listing.path("reports").get(1).path("suite").asString()).isEqualTo("bench-gateway");
	}

	@Test
	void reportFilesAreServedWithTheirTypes() {
		Http http = new Http(this.port);
		Http.Response json = http.get("/api/v1/admin/reports/scifact-20261130-115915.json", ADMIN);
		Http.Response png = http.get("/api/v1/admin/reports/scifact-20261130-115915.png", ADMIN);
		Http.Response md = http.get("/api/v1/admin/reports/scifact-20261130-115915.md", ADMIN);

		assertThat(json.status()).isEqualTo(200);
		assertThat(json.json().path("metrics").path("dense").path("nDCG@10").asDouble()).isEqualTo(0.7071);
		assertThat(png.header("Content-Type")).isEqualTo("image/png");
		assertThat(md.header("Content-Type")).startsWith("text/markdown");
	}

	@ParameterizedTest
	@ValueSource(strings = { "notes.txt", "missing.json", "..%2Fsecret.json", "%2E%2E%2Fsecret.json", ".hidden.json" })
	void nothingButReportFilesIsServed(String name) {
		Http.Response response = new Http(this.port).get("/api/v1/admin/reports/" + name, ADMIN);

		assertThat(response.status()).as(response.toString()).isIn(400, 404);
		assertThat(response.problemType()).startsWith("https://ragplatform.dev/problems/");
		assertThat(response.body()).doesNotContain("{}").doesNotContain("not a report");
	}

	@Test
	void theAdminEndpointsNeedTheAdminScope() {
		Http http = new Http(this.port);
		String reader = http.post("/api/v1/admin/keys", ADMIN, Map.of("name", "reader", "scopes", List.of("read")))
			.json()
			.path("key")
			.asString();

		Http.Response overview = http.get("/api/v1/admin/overview", reader);
		Http.Response listing = http.get("/api/v1/admin/reports", reader);
		Http.Response anonymous = http.get("/api/v1/admin/reports", null);

		assertThat(overview.status()).isEqualTo(403);
		assertThat(overview.json().path("detail").asString()).contains("admin scope");
		assertThat(listing.status()).isEqualTo(403);
		assertThat(anonymous.status()).isEqualTo(401);
	}

	/** {@code /api/v1/me}: any valid key learns its own name, scopes and collections; no key is a 401. */
	@Test
	void aKeyLearnsWhatItMayDo() {
		Http http = new Http(this.port);
		JsonNode created = http.post("/api/v1/admin/keys", ADMIN,
				Map.of("name", "me-writer", "scopes", List.of("write"), "collections", List.of("kb", "docs")))
			.json();

		JsonNode me = http.get("/api/v1/me", created.path("key").asString()).json();
		JsonNode admin = http.get("/api/v1/me", ADMIN).json();

		assertThat(me.path("keyId").asString()).isEqualTo(created.path("id").asString());
		assertThat(me.path("name").asString()).startsWith("me-writer");
		assertThat(me.path("scopes").valueStream().map(JsonNode::asString)).containsExactly("write");
		assertThat(me.path("may").valueStream().map(JsonNode::asString)).containsExactly("read", "write");
		assertThat(me.path("collections").valueStream().map(JsonNode::asString)).containsExactly("docs", "kb");
		assertThat(admin.path("may").valueStream().map(JsonNode::asString)).containsExactly("read", "write", "admin");
		assertThat(admin.path("collections").isNull() || admin.path("collections").isMissingNode()).as("every collection")
			.isTrue();
		assertThat(http.get("/api/v1/me", null).status()).isEqualTo(401);
	}

	@Test
	void theApiDocumentListsTheAdminEndpoints() {
		JsonNode paths = new Http(this.port).get("/api/docs", null).json().path("paths");

		for (String path : List.of("/api/v1/admin/overview", "/api/v1/admin/reports", "/api/v1/admin/reports/{file}")) {
			assertThat(paths.path(path).path("get").path("x-rag-scope").asString()).as(path).isEqualTo("admin");
		}
	}

	@Test
	void theConsoleIsServedAtAdminWithoutAKey() {
		Http http = new Http(this.port);
		Http.Response redirect = http.get("/admin", null);
		Http.Response index = http.get("/admin/", null);
		Http.Response module = http.get("/admin/app.js", null);
		Http.Response page = http.get("/admin/pages/search.js", null);

		assertThat(redirect.status()).isEqualTo(308);
		assertThat(redirect.header("Location")).isEqualTo("/admin/");
		assertThat(index.status()).isEqualTo(200);
		assertThat(index.header("Content-Type")).startsWith("text/html");
		assertThat(index.body()).contains("<script type=\"module\" src=\"/admin/app.js\">");
		assertThat(index.header("Content-Security-Policy")).contains("default-src 'self'");
		assertThat(module.status()).isEqualTo(200);
		assertThat(module.header("Content-Type")).contains("javascript");
		assertThat(page.status()).isEqualTo(200);
	}

}
