package dev.ragplatform.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route table against the five real services, started from their jars: a collection is created, a document
 * ingested (JSON and multipart) and indexed, searched, its chunk read; embeddings, rerank, citations and API
 * recommendation answer through the gateway; the services' own problems pass through unchanged.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.gateway.bootstrap-key=" + RoutingIT.KEY)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingIT {

	static final String KEY = "rag_routingIT-bootstrap-admin-key-0123456789ab";

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		Upstreams.all(registry);
	}

	@LocalServerPort
	int port;

	Http http;

	String collection;

	String documentId;

	@BeforeAll
	void ingestOneDocument() {
		this.http = new Http(this.port);
		this.collection = "routing-" + UUID.randomUUID().toString().substring(0, 8);
		Http.Response created = this.http.post("/api/v1/collections", KEY,
				Map.of("name", this.collection, "chunking", Map.of("targetTokens", 128, "overlapTokens", 16)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		Http.Response accepted = this.http.post("/api/v1/collections/" + this.collection + "/documents", KEY,
				Map.of("externalId", "faq-1", "title", "Passwords",
						"text", "To reset a password, open Settings and choose Security. Iron oxide is called rust."));
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
		this.documentId = accepted.json().path("documentId").asString();
		Awaitility.await("indexed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
			JsonNode status = this.http.get("/api/v1/collections/" + this.collection + "/documents/" + this.documentId, KEY)
				.json();
			assertThat(status.path("status").asString()).isNotEqualTo("FAILED");
			return "INDEXED".equals(status.path("status").asString());
		});
	}

	@Test
	void searchGoesToRetrievalAndFindsTheIngestedDocument() {
		Http.Response search = this.http.post("/api/v1/search", KEY,
				Map.of("collection", this.collection, "query", "how do I reset my password", "topK", 3));

		assertThat(search.status()).as(search.toString()).isEqualTo(200);
		assertThat(search.json().path("results").get(0).path("externalId").asString()).isEqualTo("faq-1");
		Http.Response chunk = this.http.get(
				"/api/v1/collections/" + this.collection + "/documents/" + this.documentId + "/chunks/0", KEY);
		assertThat(chunk.status()).as(chunk.toString()).isEqualTo(200);
		assertThat(chunk.json().path("text").asString()).contains("reset a password");
		Http.Response listed = this.http.get("/api/v1/collections/" + this.collection + "/documents?status=INDEXED", KEY);
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body()).contains(this.documentId);
	}

	@Test
	void multipartUploadsGoToIngest() {
		Http.Multipart form = Http.Multipart.of(Map.of("externalId", "note-1"), "note.txt", "text/plain",
				"The gateway streams uploads to ingest-service.");
		Http.Response accepted = Http.send(HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + this.port + "/api/v1/collections/" + this.collection + "/documents"))
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", form.contentType())
			.POST(HttpRequest.BodyPublishers.ofString(form.body(), StandardCharsets.UTF_8))
			.build());

		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
		assertThat(accepted.json().path("documentId").asString()).isNotBlank();
	}

	@Test
	void embeddingsAndModelsGoToEmbeddingService() {
		Http.Response embeddings = this.http.post("/api/v1/embeddings", KEY,
				Map.of("input", List.of("hello", "world"), "model", "bge-small-en-v1.5"));
		Http.Response models = this.http.get("/api/v1/embeddings/models", KEY);

		assertThat(embeddings.status()).as(embeddings.toString()).isEqualTo(200);
		assertThat(embeddings.json().path("data")).hasSize(2);
		assertThat(embeddings.json().path("data").get(0).path("embedding")).hasSize(384);
		assertThat(models.status()).isEqualTo(200);
		assertThat(models.body()).contains("bge-small-en-v1.5");
	}

	@Test
	void rerankAndItsModelsGoToRerankService() {
		Http.Response rerank = this.http.post("/api/v1/rerank", KEY, Map.of("query", "What causes rust on iron?",
				"documents", List.of("Bananas are rich in potassium.", "Iron oxide, called rust, forms with oxygen."),
				"top_n", 1));
		Http.Response models = this.http.get("/api/v1/rerank/models", KEY);

		assertThat(rerank.status()).as(rerank.toString()).isEqualTo(200);
		assertThat(rerank.json().path("results").get(0).path("index").asInt()).isEqualTo(1);
		assertThat(models.status()).isEqualTo(200);
		assertThat(models.body()).contains("maxsim");
	}

	@Test
	void citationsAndApiRecommendationGoToLlmAdapter() {
		Http.Response citations = this.http.post("/api/v1/citations/predict", KEY, Map.of("collection", this.collection,
				"text", "Open Settings and choose Security to reset a password [1].", "mode", "retrieval", "topK", 3));
		Http.Response apis = this.http.post("/api/v1/apis/recommend", KEY,
				Map.of("query", "How do I reset a password?", "apiCollection", this.collection, "mode", "retrieval"));

		assertThat(citations.status()).as(citations.toString()).isEqualTo(200);
		assertThat(citations.json().path("documents").get(0).path("externalId").asString()).isEqualTo("faq-1");
		assertThat(apis.status()).as(apis.toString()).isEqualTo(200);
		assertThat(apis.json().has("apis")).isTrue();
	}

	@Test
	void theServicesOwnProblemsPassThrough() {
		Http.Response missing = this.http.get("/api/v1/collections/no-such-collection", KEY);
		Http.Response invalid = this.http.post("/api/v1/search", KEY, Map.of("collection", this.collection, "query", "x",
				"mode", "sideways"));

		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.problemType()).isEqualTo("https://ragplatform.dev/problems/not-found");
		assertThat(missing.json().path("detail").asString()).contains("no-such-collection");
		assertThat(invalid.status()).isEqualTo(400);
		assertThat(invalid.problemType()).isEqualTo("https://ragplatform.dev/problems/invalid-request");
	}

	@Test
	void unknownRoutesAreTheGatewaysOwn404Problem() {
		Http.Response response = this.http.get("/api/v1/nothing-here", KEY);

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/not-found");
		assertThat(response.json().path("requestId").asString()).isEqualTo(response.header("X-Request-Id"));
	}

}
