package dev.ragplatform.llm.api;

import java.net.URI;
import java.util.Map;

import dev.ragplatform.llm.PlatformFixture;
import dev.ragplatform.llm.api.ApiFixtures.Corpus;
import dev.ragplatform.llm.api.ApiFixtures.Response;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The default set-up, {@code rag.llm.provider=none}: recommendations come from retrieval, and say why. */
// a pool of 13 examples: the default 20 per selector (tuned on BIKER's 31,812) would let every example vote
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.llm.apis.examples-per-source=5")
@RealPostgres
@RealKafka
class ApiRecommendationWithoutLlmIT {

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.llm.retrieval.url", () -> PlatformFixture.get().retrievalUrl().toString());
	}

	@LocalServerPort
	int port;

	@Test
	void askingForTheLlmWithoutOneAnswersFromRetrievalAndSaysSo() throws Exception {
		Corpus corpus = ApiFixtures.collections();
		JsonNode answer = recommend(Map.of("query", "How do I convert a numeric string into an integer?",
				"apiCollection", corpus.apis(), "examplesCollection", corpus.examples(), "mode", "llm", "topK", 3));
		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).as("nothing failed: no LLM was configured").isFalse();
		assertThat(answer.path("reason").asString()).contains("no LLM is configured");
		assertThat(answer.has("model")).isFalse();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(answer.path("apis")).hasSize(3);
	}

	@Test
	void withoutAnLlmTheDefaultModeIsRetrievalAndNeedsNoExplanation() throws Exception {
		Corpus corpus = ApiFixtures.collections();
		JsonNode answer = recommend(Map.of("query", "How do I check whether a file exists?", "apiCollection",
				corpus.apis(), "examplesCollection", corpus.examples(), "topK", 2));
		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.has("reason")).isFalse();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.nio.file.Files.exists");
	}

	@Test
	void withoutExamplesTheDocumentationAloneRanks() throws Exception {
		Corpus corpus = ApiFixtures.collections();
		JsonNode answer = recommend(Map.of("query", "reverse the order of the elements of a list", "apiCollection",
				corpus.apis(), "topK", 3));
		assertThat(answer.path("examples")).isEmpty();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.util.Collections.reverse");
		assertThat(answer.path("apis").get(0).path("examples")).isEmpty();
	}

	@Test
	void theSemanticallySelectedExamplesAndTheDocumentsCanBeReScoredByLateInteractionBeforeTheyAreFused() throws Exception {
		Corpus corpus = ApiFixtures.collections();
		Map<String, Object> request = new java.util.HashMap<>(Map.of("query",
				"How do I convert a numeric string into an integer?", "apiCollection", corpus.apis(),
				"examplesCollection", corpus.examples(), "topK", 3));
		JsonNode plain = recommend(request);
		assertThat(plain.has("examplesRescoring")).as("not asked for").isFalse();
		request.put("rerankExamples", true);
		JsonNode rescored = recommend(request);
		assertThat(rescored.path("examplesRescoring").asString()).as("%s", rescored).startsWith("late-interaction");
		assertThat(rescored.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		Map<String, Double> before = semanticScores(plain);
		Map<String, Double> after = semanticScores(rescored);
		assertThat(after).isNotEmpty();
		assertThat(after).as("the semantic selector's scores are the late-interaction ones").isNotEqualTo(before);
		assertThat(rescored.has("documentsRescoring")).as("not asked for").isFalse();
		request.put("rerankDocuments", true);
		JsonNode both = recommend(request);
		assertThat(both.path("documentsRescoring").asString()).as("%s", both).startsWith("late-interaction");
		assertThat(both.path("apis")).as("%s", both).isNotEmpty();
		assertThat(both.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(denseScores(both)).isNotEmpty()
			.as("the documents' dense evidence carries the late-interaction scores")
			.isNotEqualTo(denseScores(rescored));
		URI recommend = URI.create("http://127.0.0.1:" + this.port + "/v1/apis/recommend");
		request.put("rerankDocuments", "sometimes");
		assertThat(ApiFixtures.post(recommend, request).status()).isEqualTo(400);
		request.put("rerankDocuments", false);
		request.put("rerankExamples", "sometimes");
		assertThat(ApiFixtures.post(recommend, request).status()).isEqualTo(400);
	}

	private static Map<String, Double> denseScores(JsonNode answer) {
		Map<String, Double> scores = new java.util.TreeMap<>();
		for (JsonNode api : answer.path("apis")) {
			for (JsonNode passage : api.path("passages")) {
				if ("dense".equals(passage.path("search").asString())) {
					scores.put(api.path("api").asString() + "#" + passage.path("chunkIndex").asInt(),
							passage.path("score").asDouble());
				}
			}
		}
		return scores;
	}

	private static Map<String, Double> semanticScores(JsonNode answer) {
		Map<String, Double> scores = new java.util.TreeMap<>();
		for (JsonNode example : answer.path("examples")) {
			if (example.path("scores").has("semantic")) {
				scores.put(example.path("documentId").asString(), example.path("scores").path("semantic").asDouble());
			}
		}
		return scores;
	}

	private JsonNode recommend(Map<String, Object> request) throws Exception {
		Response response = ApiFixtures.post(URI.create("http://127.0.0.1:" + this.port + "/v1/apis/recommend"), request);
		assertThat(response.status()).as(response.raw()).isEqualTo(200);
		return response.body();
	}

}
