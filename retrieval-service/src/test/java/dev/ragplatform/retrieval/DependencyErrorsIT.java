package dev.ragplatform.retrieval;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When embedding-service fails or cannot be reached, the caller gets a 503 that names the dependency and nothing
 * of its internals: not the peer's error body, not its host or URL (those go to the log).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
class DependencyErrorsIT {

	static final String SECRET = "pg-primary-7.corp.internal:5432 password authentication failed for user admin";

	/** An embedding-service that fails with a body full of its internals. */
	static final HttpServer failing = failingEmbeddings();

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.retrieval.embedding.url", () -> "http://127.0.0.1:" + failing.getAddress().getPort());
	}

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@AfterAll
	static void stop() {
		failing.stop(0);
	}

	@Test
	void aFailingOrUnreachableDependencyIsNamedAndItsInternalsAreNotPassedOn() {
		RetrievalApi api = new RetrievalApi(this.port, this.kafka);
		ResponseEntity<JsonNode> failed = api.post("/v1/collections", Map.of("name", "leaky")); // asks the model
		assertThat(failed.getStatusCode().value()).as("%s", failed.getBody()).isEqualTo(503);
		assertThat(failed.getBody().path("detail").asString()).contains("embedding-service answered 500")
			.doesNotContain("corp.internal")
			.doesNotContain("password");

		failing.stop(0); // now nothing listens there
		ResponseEntity<JsonNode> unreachable = api.post("/v1/collections", Map.of("name", "leaky"));
		assertThat(unreachable.getStatusCode().value()).as("%s", unreachable.getBody()).isEqualTo(503);
		assertThat(unreachable.getBody().path("detail").asString()).contains("embedding-service is unreachable")
			.doesNotContain("127.0.0.1")
			.doesNotContain("http://")
			.doesNotContain(String.valueOf(failing.getAddress().getPort()));
	}

	private static HttpServer failingEmbeddings() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", (exchange) -> {
				byte[] body = ("{\"error\": \"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(500, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
