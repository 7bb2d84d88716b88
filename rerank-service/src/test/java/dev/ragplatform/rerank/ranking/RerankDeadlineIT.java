package dev.ragplatform.rerank.ranking;

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
		"rag.rerank.built-in-models=bge-small-en-v1.5-int8-maxsim",
		"rag.rerank.default-model=bge-small-en-v1.5-int8-maxsim", "rag.rerank.batching.request-timeout=0ms" })
class RerankDeadlineIT {

	@LocalServerPort
	int port;

	@Test
	void aPassedDeadlineAnswers503() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		for (String[] call : new String[][] { { "/v1/rerank", "{\"query\":\"q\",\"documents\":[\"a\",\"b\",\"c\"]}" },
				{ "/rerank", "{\"query\":\"q\",\"texts\":[\"a\",\"b\",\"c\"]}" } }) {
			HttpResponse<String> response = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.port + call[0]))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(call[1])).build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(call[0]).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
			assertThat(response.body()).contains("Deadline exceeded");
		}
	}

}
