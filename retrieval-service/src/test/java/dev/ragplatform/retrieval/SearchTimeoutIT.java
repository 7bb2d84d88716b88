package dev.ragplatform.retrieval;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search statement that runs past {@code rag.retrieval.search.statement-timeout} is cancelled and answered 503 with
 * the property named, instead of holding a connection for as long as it takes. Made slow for sure: another session
 * holds an exclusive lock on the collection's table.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.retrieval.search.statement-timeout=1s")
@RealPostgres
@RealKafka
class SearchTimeoutIT {

	@LocalServerPort
	int port;

	@Autowired
	KafkaTemplate<String, String> kafka;

	@Test
	void aSearchPastItsStatementTimeoutIsCancelledWithA503(PostgresDatabase db) throws Exception {
		RetrievalApi api = new RetrievalApi(this.port, this.kafka);
		String collection = "slow-" + UUID.randomUUID().toString().substring(0, 8);
		api.createCollection(collection, 4);
		api.publish(RetrievalApi.document(collection, "d1", 1, List.of("lichens grow slowly on old stone walls"),
				List.of(new float[] { 1, 0, 0, 0 }), null, null));
		api.awaitChunks(collection, 1);
		long generation = api.get("/v1/collections/" + collection).getBody().path("generation").asLong();
		Map<String, Object> search = Map.of("collection", collection, "query", "lichens", "mode", "lexical");
		try (Connection other = db.connect()) {
			other.setAutoCommit(false);
			other.createStatement().execute("LOCK TABLE retrieval.chunks_" + generation + " IN ACCESS EXCLUSIVE MODE");
			long started = System.nanoTime();
			ResponseEntity<JsonNode> cancelled = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> api.post("/v1/search", search))
				.get(20, java.util.concurrent.TimeUnit.SECONDS); // without the limit it would wait for the lock
			double seconds = (System.nanoTime() - started) / 1e9;
			assertThat(cancelled.getStatusCode().value()).as("%s", cancelled.getBody()).isEqualTo(503);
			assertThat(cancelled.getBody().path("detail").asString()).contains("rag.retrieval.search.statement-timeout");
			assertThat(seconds).as("cancelled at the limit, not when the lock went").isLessThan(10);
			other.rollback();
		}
		ResponseEntity<JsonNode> answered = api.post("/v1/search", search);
		assertThat(answered.getStatusCode().value()).isEqualTo(200);
		assertThat(answered.getBody().path("results").get(0).path("documentId").asString()).isEqualTo("d1");
	}

}
