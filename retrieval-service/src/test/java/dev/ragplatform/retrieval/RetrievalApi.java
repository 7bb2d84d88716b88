package dev.ragplatform.retrieval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.contracts.chunk.ChunkEvent;
import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.kafka.Topics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;

import static org.awaitility.Awaitility.await;

/** The service's public surfaces as a test uses them: REST over real HTTP, and the chunk topic. */
public final class RetrievalApi {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private final RestClient http;

	private final KafkaTemplate<String, String> kafka;

	public RetrievalApi(int port, KafkaTemplate<String, String> kafka) {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		this.kafka = kafka;
	}

	ResponseEntity<JsonNode> post(String path, Object body, String header, String value) {
		return this.http.post().uri(path).contentType(MediaType.APPLICATION_JSON).header(header, value).body(body)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> put(String path, Object body) {
		return this.http.put().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve()
			.toEntity(JsonNode.class);
	}

	public ResponseEntity<JsonNode> post(String path, Object body) {
		return this.http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve()
			.toEntity(JsonNode.class);
	}

	public ResponseEntity<JsonNode> get(String path) {
		return this.http.get().uri(path).retrieve().toEntity(JsonNode.class);
	}

	public ResponseEntity<JsonNode> delete(String path) {
		return this.http.delete().uri(path).retrieve().toEntity(JsonNode.class);
	}

	/** A collection without token vectors (no embedding-service needed to create it). */
	public void createCollection(String name, int dimensions) {
		ResponseEntity<JsonNode> created = post("/v1/collections", Map.of("name", name, "dimensions", dimensions,
				"lateInteraction", Map.of("storage", "none")));
		if (created.getStatusCode().value() != 201) {
			throw new AssertionError("create " + name + ": " + created);
		}
	}

	public void publish(ChunkEvent event) {
		try {
			this.kafka.send(Topics.CHUNKS, event.key(), JSON.writeValueAsString(event)).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("publish failed: " + ex, ex);
		}
	}

	/** One single-part version of a document whose chunks are {@code texts} with {@code vectors}. */
	public static DocumentChunks document(String collection, String documentId, long version, List<String> texts,
			List<float[]> vectors, List<Map<String, Object>> metadata, String model) {
		List<DocumentChunks.Chunk> chunks = new ArrayList<>();
		int offset = 0;
		for (int i = 0; i < texts.size(); i++) {
			chunks.add(new DocumentChunks.Chunk(i, texts.get(i), offset, offset + texts.get(i).length(),
					(metadata != null) ? metadata.get(i) : Map.of(), vectors.get(i)));
			offset += texts.get(i).length() + 1;
		}
		return new DocumentChunks(collection, documentId, version, 0, 1, chunks.size(), model, "Title of " + documentId,
				null, chunks);
	}

	/** Waits until the collection holds {@code chunks} chunks. */
	public void awaitChunks(String collection, long chunks) {
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
			JsonNode c = get("/v1/collections/" + collection).getBody();
			return c != null && c.path("chunks").asLong() == chunks;
		});
	}

	/**
	 * The document-side vector of {@code text} from the real embedding-service ({@code task} null: the model's own
	 * instructions), as ingest-service would embed it.
	 */
	static float[] embedDocument(String model, String task, String text) {
		Map<String, Object> request = new java.util.HashMap<>(
				Map.of("model", model, "input_type", "document", "input", List.of(text)));
		if (task != null) {
			request.put("task", task);
		}
		JsonNode vector = RestClient.create(dev.ragplatform.testsupport.EmbeddingServiceProcess.url().toString())
			.post()
			.uri("/v1/embeddings")
			.contentType(MediaType.APPLICATION_JSON)
			.body(request)
			.retrieve()
			.body(JsonNode.class)
			.path("data")
			.path(0)
			.path("embedding");
		float[] result = new float[vector.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = vector.get(i).floatValue();
		}
		return result;
	}

}
