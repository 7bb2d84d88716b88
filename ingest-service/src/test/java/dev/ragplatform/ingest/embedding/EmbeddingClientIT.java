package dev.ragplatform.ingest.embedding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.testsupport.ServiceProcess;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against a real embedding-service with a queue far too small for what is sent: it answers 429 with
 * {@code Retry-After}, and the client waits and repeats instead of failing documents or opening its breaker.
 */
class EmbeddingClientIT {

	@Test
	void anOverloadedServiceIsBackPressureNotFailure() throws Exception {
		// about 2 batches of queue: 8 calls of 8 long texts at once cannot all be admitted
		try (ServiceProcess service = ServiceProcess.start("embedding-service", "1g",
				List.of("--rag.embedding.built-in-models=bge-small-en-v1.5",
						"--rag.embedding.batching.max-queued-tokens=1024"))) {
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			IngestProperties properties = new IngestProperties(new IngestProperties.Embedding(service.url(),
					Duration.ofSeconds(30), 8, 8, 2, Duration.ofMillis(100), 50, Duration.ofSeconds(30)), null, null,
					null, null);
			EmbeddingClient client = new EmbeddingClient(RestClient.builder(), properties, meters,
					io.micrometer.observation.ObservationRegistry.NOOP);
			try (ExecutorService documents = Executors.newVirtualThreadPerTaskExecutor()) {
				List<Future<List<float[]>>> results = new ArrayList<>();
				for (int d = 0; d < 8; d++) {
					List<String> texts = new ArrayList<>();
					for (int i = 0; i < 8; i++) {
						texts.add(("document " + d + " chunk " + i + " ").repeat(30));
					}
					results.add(documents.submit(() -> client.embedDocuments("bge-small-en-v1.5", "none", texts)));
				}
				for (Future<List<float[]>> result : results) {
					assertThat(result.get()).hasSize(8).allSatisfy((v) -> assertThat(v).hasSize(384));
				}
			}
			finally {
				client.destroy();
			}
			assertThat(meters.counter("rag.ingest.embedding.back.pressure").count())
				.as("the service must have pushed back at least once, or this test proves nothing").isPositive();
			assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			String metrics = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(service.url() + "/actuator/prometheus")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			assertThat(metrics).contains("outcome=\"overloaded\"");
		}
	}

}
