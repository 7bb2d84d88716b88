package dev.ragplatform.rerank.ranking;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure: a small token queue under concurrent load refuses with 429 and Retry-After, never fails. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"rag.rerank.built-in-models=bge-small-en-v1.5-int8-maxsim",
		"rag.rerank.default-model=bge-small-en-v1.5-int8-maxsim", "rag.rerank.batching.max-batch-tokens=256",
		"rag.rerank.batching.max-queued-tokens=256" })
class RerankOverloadIT {

	@LocalServerPort
	int port;

	@Test
	void aFullQueueAnswers429WithRetryAfterAndAcceptedRequestsSucceed() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		String body = JsonMapper.shared().writeValueAsString(Map.of("query", "why refuse work early?", "documents",
				Collections.nCopies(16, "Overload makes a service refuse work it cannot queue, honestly and early.")));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/rerank"))
			.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
		List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			calls.add(() -> http.send(request, HttpResponse.BodyHandlers.ofString()));
		}
		List<HttpResponse<String>> responses = new ArrayList<>();
		try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
			for (Future<HttpResponse<String>> future : executor.invokeAll(calls)) {
				responses.add(future.get());
			}
		}
		List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
		assertThat(statuses).containsOnly(200, 429).contains(200, 429);
		HttpResponse<String> refused = responses.stream().filter((r) -> r.statusCode() == 429).findFirst().orElseThrow();
		assertThat(refused.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();
		assertThat(refused.body()).contains("\"type\":\"https://ragplatform.dev/problems/overloaded\"");
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

}
