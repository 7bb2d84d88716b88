package dev.ragplatform.llm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real platform this service sits on, started once per test JVM from the packaged jars: embedding-service,
 * retrieval-service and ingest-service on one throwaway PostgreSQL database and this JVM's Kafka broker (the
 * classes that use it carry {@code @RealPostgres @RealKafka}). Tests create their own collections and ingest
 * documents through ingest-service's REST API, as users do.
 */
public final class PlatformFixture {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static PlatformFixture shared;

	private final ServiceProcess retrieval;

	private final ServiceProcess ingest;

	private final HttpClient http = HttpClient.newHttpClient();

	private PlatformFixture(ServiceProcess retrieval, ServiceProcess ingest) {
		this.retrieval = retrieval;
		this.ingest = ingest;
	}

	/** The JVM's platform, started on first use. */
	public static synchronized PlatformFixture get() {
		if (shared == null) {
			URI embedding = EmbeddingServiceProcess.url();
			PostgresDatabase db = RealInfrastructure.postgres(PlatformFixture.class);
			String kafka = RealInfrastructure.kafka().bootstrapServers();
			List<String> common = List.of("--spring.datasource.url=" + db.jdbcUrl(),
					"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
					"--spring.kafka.bootstrap-servers=" + kafka);
			ServiceProcess retrieval = ServiceProcess.start("retrieval-service", "512m", concat(common,
					"--spring.kafka.consumer.group-id=retrieval-" + UUID.randomUUID(),
					"--rag.retrieval.embedding.url=" + embedding));
			ServiceProcess ingest = ServiceProcess.start("ingest-service", "512m", concat(common,
					"--rag.ingest.embedding.url=" + embedding, "--rag.ingest.retrieval.url=" + retrieval.url()));
			shared = new PlatformFixture(retrieval, ingest);
		}
		return shared;
	}

	private static List<String> concat(List<String> a, String... b) {
		List<String> all = new java.util.ArrayList<>(a);
		all.addAll(List.of(b));
		return all;
	}

	public URI retrievalUrl() {
		return this.retrieval.url();
	}

	public URI ingestUrl() {
		return this.ingest.url();
	}

	/** Creates a collection with small chunks (so a short document still has several) and returns its name. */
	public String createCollection(String prefix) {
		String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode created = send("POST", this.retrieval.url().resolve("/v1/collections"), Map.of("name", name,
				"chunking", Map.of("targetTokens", 128, "overlapTokens", 16)), 201);
		return created.path("name").asString(name);
	}

	/**
	 * Ingests the documents through ingest-service's REST API and waits until every one is indexed.
	 *
	 * @return retrieval-service's document id per external id
	 */
	public Map<String, String> ingest(String collection, List<Doc> docs) {
		Map<String, String> ids = new LinkedHashMap<>();
		for (Doc doc : docs) {
			Map<String, Object> body = new HashMap<>();
			body.put("externalId", doc.externalId());
			body.put("title", doc.title());
			body.put("text", doc.text());
			if (doc.metadata() != null) {
				body.put("metadata", doc.metadata());
			}
			JsonNode accepted = send("POST",
					this.ingest.url().resolve("/v1/collections/" + collection + "/documents"), body, 202);
			ids.put(doc.externalId(), accepted.path("documentId").asString());
		}
		for (Map.Entry<String, String> id : ids.entrySet()) {
			URI status = this.ingest.url().resolve("/v1/collections/" + collection + "/documents/" + id.getValue());
			org.awaitility.Awaitility.await("document " + id.getKey() + " indexed")
				.atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					JsonNode document = send("GET", status, null, 200);
					if ("FAILED".equals(document.path("status").asString())) {
						throw new IllegalStateException("document " + id.getKey() + " failed to ingest: " + document);
					}
					return "INDEXED".equals(document.path("status").asString());
				});
		}
		return ids;
	}

	/** A document to ingest; {@code metadata} may be null. */
	public record Doc(String externalId, String title, String text, Map<String, Object> metadata) {

		public Doc(String externalId, String title, String text) {
			this(externalId, title, text, null);
		}

	}

	private JsonNode send(String method, URI uri, Object body, int expected) {
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
			if (body != null) {
				request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
			}
			else {
				request.method(method, HttpRequest.BodyPublishers.noBody());
			}
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != expected) {
				throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode() + ": "
						+ response.body());
			}
			return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(method + " " + uri + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
