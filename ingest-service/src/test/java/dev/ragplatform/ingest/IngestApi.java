package dev.ragplatform.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;

import static org.awaitility.Awaitility.await;

/** A service's REST API over real HTTP, as a test uses it: every status comes back, none throws. */
final class IngestApi {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final RestClient http;

	IngestApi(URI base) {
		this.http = RestClient.builder()
			.baseUrl(base.toString())
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	ResponseEntity<JsonNode> post(String path, Object body) {
		return this.http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve()
			.toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> post(String path, Object body, String header, String value) {
		return this.http.post().uri(path).contentType(MediaType.APPLICATION_JSON).header(header, value).body(body)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> upload(String path, byte[] file, String fileName, Map<String, String> fields) {
		var parts = new LinkedMultiValueMap<String, Object>();
		parts.add("file", new ByteArrayResource(file) {
			@Override
			public String getFilename() {
				return fileName;
			}
		});
		fields.forEach(parts::add);
		return this.http.post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA).body(parts).retrieve()
			.toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> get(String path) {
		return this.http.get().uri(path).retrieve().toEntity(JsonNode.class);
	}

	ResponseEntity<String> getText(String path) {
		return this.http.get().uri(path).retrieve().toEntity(String.class);
	}

	ResponseEntity<JsonNode> delete(String path) {
		return this.http.delete().uri(path).retrieve().toEntity(JsonNode.class);
	}

	/** Polls {@code path} until its JSON satisfies {@code condition}; returns that JSON. */
	JsonNode awaitJson(String path, Duration atMost, Predicate<JsonNode> condition) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
			last[0] = get(path).getBody();
			return last[0] != null && condition.test(last[0]);
		});
		return last[0];
	}

	/** Texts of a search's results. */
	static List<String> documentIds(JsonNode search) {
		return search.path("results").findValuesAsString("documentId");
	}

}
