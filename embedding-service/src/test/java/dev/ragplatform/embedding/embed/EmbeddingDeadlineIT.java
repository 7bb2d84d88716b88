package dev.ragplatform.embedding.embed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** A request whose deadline passes gets 503 with Retry-After; its queued work is dropped, not done for nobody. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"rag.embedding.built-in-models=bge-small-en-v1.5-int8", "rag.embedding.default-model=bge-small-en-v1.5-int8",
		"rag.embedding.batching.request-timeout=0ms" })
class EmbeddingDeadlineIT {

	@LocalServerPort
	int port;

	@Test
	void aPassedDeadlineAnswers503() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/embeddings"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"input\":[\"a\",\"b\",\"c\"]}")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(response.body()).contains("Deadline exceeded");
	}

}
