package dev.ragplatform.llm.citation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.ragplatform.llm.PlatformFixture;
import dev.ragplatform.llm.PlatformFixture.Doc;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The default set-up, {@code rag.llm.provider=none}: every mode answers from retrieval and says why. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
class CitationWithoutLlmIT {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.llm.retrieval.url", () -> PlatformFixture.get().retrievalUrl().toString());
	}

	@LocalServerPort
	int port;

	@Test
	void askingForTheLlmWithoutOneAnswersFromRetrievalAndSaysSo() throws Exception {
		PlatformFixture platform = PlatformFixture.get();
		String collection = platform.createCollection("papers");
		platform.ingest(collection, List.of(
				new Doc("bm25", "Okapi BM25", "Okapi BM25 ranks documents by term frequency saturation and inverse "
						+ "document frequency with document length normalisation."),
				new Doc("dpr", "Dense Passage Retrieval", "Dense passage retrieval encodes questions and passages "
						+ "with two BERT encoders and retrieves by inner product.")));
		String text = "Lexical ranking with term frequency saturation and length normalisation (Robertson, 1994) "
				+ "remains strong; dual BERT encoders retrieve passages by inner product [2].";
		for (String mode : new String[] { "llm", "ensemble" }) {
			HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
					"http://127.0.0.1:" + this.port + "/v1/citations/predict"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("collection", collection,
						"text", text, "mode", mode, "topK", 2))))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode answer = JSON.readTree(response.body());
			assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
			assertThat(answer.path("degraded").asBoolean()).as("nothing failed: no LLM was configured").isFalse();
			assertThat(answer.path("reason").asString()).contains("no LLM is configured");
			assertThat(answer.has("model")).isFalse();
			assertThat(answer.path("markersFound").asInt()).isEqualTo(2);
			// the markers' windows cover the whole paragraph: it is searched whole, as one passage, markers removed
			assertThat(answer.path("searchedWhole").asBoolean()).isTrue();
			assertThat(answer.path("contexts")).singleElement()
				.satisfies((c) -> assertThat(c.path("kind").asString()).isEqualTo("passage"));
			assertThat(answer.path("documents")).allSatisfy((d) -> assertThat(d.path("supports").get(0).path("context")
				.asInt()).as("found by the paragraph's one search").isZero());
			assertThat(answer.path("documents")).extracting((d) -> d.path("externalId").asString())
				.containsExactlyInAnyOrder("bm25", "dpr");
		}
	}

}
