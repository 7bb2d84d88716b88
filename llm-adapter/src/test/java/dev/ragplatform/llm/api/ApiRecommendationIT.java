package dev.ragplatform.llm.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.ragplatform.llm.FakeOpenAiServer;
import dev.ragplatform.llm.FakeOpenAiServer.Reply;
import dev.ragplatform.llm.PlatformFixture;
import dev.ragplatform.llm.api.ApiFixtures.Corpus;
import dev.ragplatform.llm.api.ApiFixtures.Response;
import dev.ragplatform.llm.model.LanguageModel;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * API recommendation through HTTP against the real platform (embedding-, retrieval- and ingest-service on PostgreSQL
 * and Kafka) and a local OpenAI-compatible server that plays the LLM: retrieval-only voting, the in-context prompt,
 * verification of the LLM's names, degradation on LLM failures, bad input and the examples import.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rag.llm.provider=openai", "rag.llm.model=fake", "rag.llm.timeout=4s" })
@RealPostgres
@RealKafka
class ApiRecommendationIT {

	static final FakeOpenAiServer LLM = FakeOpenAiServer.start();

	static final String QUESTION = "How do I convert a numeric string into an integer?";

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.llm.retrieval.url", () -> PlatformFixture.get().retrievalUrl().toString());
		registry.add("rag.llm.apis.ingest-url", () -> PlatformFixture.get().ingestUrl().toString());
		registry.add("rag.llm.base-url", LLM::baseUrl);
	}

	@LocalServerPort
	int port;

	Corpus corpus;

	@Autowired
	LanguageModel model;

	@BeforeEach
	void reset() {
		LLM.reset();
		// a failure scenario's calls count against the breaker; each test starts with it closed
		this.model.resetCircuit();
		this.corpus = ApiFixtures.collections();
	}

	@AfterAll
	static void stop() {
		LLM.close();
	}

	@Test
	void retrievalModeRanksFirstTheApiTheSelectedExamplesVoteFor() throws Exception {
		JsonNode answer = recommend(request(QUESTION, "retrieval", 5));

		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isFalse();
		assertThat(answer.has("reason")).isFalse();
		assertThat(answer.has("reasoning")).isFalse();
		assertThat(LLM.requests()).as("retrieval mode never asks the LLM").isEmpty();

		JsonNode first = answer.path("apis").get(0);
		assertThat(first.path("api").asString()).as("%s", answer).isEqualTo("java.lang.Integer.parseInt");
		assertThat(first.path("rank").asInt()).isEqualTo(1);
		assertThat(first.path("source").asString()).isEqualTo("retrieval");
		assertThat(first.path("verification").path("status").asString()).isEqualTo("verified");
		assertThat(first.path("signature").asString())
			.isEqualTo("public static int parseInt(String s) throws NumberFormatException");
		assertThat(first.path("summary").asString()).isEqualTo("Parses the string argument as a signed decimal integer.");
		JsonNode passage = first.path("passages").get(0);
		assertThat(passage.path("documentId").asString())
			.isEqualTo(this.corpus.apiDocument("java.lang.Integer.parseInt"));
		assertThat(passage.path("endOffset").asInt()).isGreaterThan(passage.path("startOffset").asInt());
		// the examples that support it are the selected ones that name it, and there are several
		Set<String> naming = ids((t, apis) -> apis.contains("java.lang.Integer.parseInt"));
		assertThat(first.path("examples").size()).isGreaterThanOrEqualTo(2);
		for (JsonNode example : first.path("examples")) {
			assertThat(naming).contains(example.path("documentId").asString());
		}

		// the syntactic selector read the question's verb-object pairs and picked an example sharing one
		assertThat(answer.path("syntactic").path("verbObjects")).extracting(JsonNode::asString).contains("convert string");
		String converting = this.corpus.exampleIds().get("How to convert a String to an int in Java?");
		JsonNode selected = find(answer.path("examples"), "documentId", converting);
		assertThat(selected).as("selected examples: %s", answer.path("examples")).isNotNull();
		assertThat(selected.path("scores").path("syntactic").asDouble()).isPositive();
		assertThat(selected.path("weight").asDouble()).isPositive();

		// an API that an example names but the API collection lacks is dropped, and said to be
		assertThat(answer.path("dropped")).anySatisfy((d) -> {
			assertThat(d.path("api").asString()).isEqualTo("javax.swing.JTextField.getText");
			assertThat(d.path("source").asString()).isEqualTo("examples");
		});
		for (JsonNode api : answer.path("apis")) {
			assertThat(ApiFixtures.exists(this.corpus.apis(), api.path("api").asString())).as("%s", api).isTrue();
		}
		assertThat(answer.path("apis").size()).isEqualTo(5);
	}

	@Test
	void anExamplesFilterKeepsNearCopiesOfTheQuestionFromVoting() throws Exception {
		String question = "How to convert a String to an int in Java?";
		String copy = this.corpus.exampleIds().get(question);
		Map<String, Object> request = request(question, "retrieval", 5);
		assertThat(recommend(request).path("examples")).extracting((e) -> e.path("documentId").asString())
			.contains(copy);

		request.put("examplesFilter", Map.of("titleKey", Map.of("ne", ExamplesCsv.titleKey(question))));
		JsonNode filtered = recommend(request);
		assertThat(filtered.path("examples")).isNotEmpty()
			.extracting((e) -> e.path("documentId").asString())
			.doesNotContain(copy);
	}

	@Test
	void aRequestCanSetHowManyExamplesVoteAndAnyWeight() throws Exception {
		Map<String, Object> request = request(QUESTION, "retrieval", 5);
		JsonNode defaults = recommend(request);
		assertThat(defaults.path("examples").size()).isGreaterThan(1);

		// one example per selector: at most three distinct examples vote
		request.put("examplesPerSource", 1);
		JsonNode one = recommend(request);
		assertThat(one.path("examples").size()).isBetween(1, 3).isLessThan(defaults.path("examples").size());

		// only the semantic selector's votes count: every selected example's weight is its semantic share alone
		request.remove("examplesPerSource");
		request.put("weights", Map.of("lexical", 0.0, "syntactic", 0.0));
		JsonNode semantic = recommend(request);
		for (JsonNode example : semantic.path("examples")) {
			double share = example.path("scores").has("semantic") ? 1 : 0;
			assertThat(example.path("weight").asDouble()).as("%s", example)
				.isLessThanOrEqualTo(share * 1.0 + 1e-9);
		}
		assertThat(semantic.path("examples")).anySatisfy((e) -> assertThat(e.path("weight").asDouble()).isEqualTo(1.0));
		assertThat(semantic.path("examples")).filteredOn((e) -> !e.path("scores").has("semantic"))
			.allSatisfy((e) -> assertThat(e.path("weight").asDouble()).isZero());
	}

	@Test
	void theLlmPromptCarriesTheSelectedExamplesAndTheCandidatesKnowledge() throws Exception {
		String reasoning = "The asker holds digits in a String and wants an int: parse it as a decimal integer.";
		LLM.then(Reply.json(Map.of("reasoning", reasoning, "apis",
				List.of(Map.of("api", "java.lang.Integer.parseInt", "why", "parses a decimal string into an int")))));

		JsonNode answer = recommend(request(QUESTION, "llm", 5));

		assertThat(answer.path("mode").asString()).as("%s", answer).isEqualTo("llm");
		assertThat(answer.path("degraded").asBoolean()).isFalse();
		assertThat(answer.path("model").asString()).isEqualTo("fake");
		assertThat(answer.path("reasoning").asString()).isEqualTo(reasoning);
		JsonNode first = answer.path("apis").get(0);
		assertThat(first.path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(first.path("source").asString()).isEqualTo("llm");
		assertThat(first.path("why").asString()).isEqualTo("parses a decimal string into an int");
		assertThat(first.path("verification").path("status").asString()).isEqualTo("verified");
		assertThat(answer.path("apis").size()).as("retrieval fills up to topK").isEqualTo(5);
		assertThat(answer.path("apis").get(1).path("source").asString()).isEqualTo("retrieval");

		assertThat(LLM.requests()).hasSize(1);
		JsonNode request = LLM.requests().get(0);
		String prompt = FakeOpenAiServer.promptOf(request);
		assertThat(prompt).contains("Question: " + QUESTION)
			.contains("task intent")
			// selected examples with their APIs
			.contains("How to convert a String to an int in Java? -> java.lang.Integer.parseInt")
			.contains("Converting String to int in Java -> java.lang.Integer.parseInt, java.lang.Integer.valueOf")
			// API knowledge: name, signature, summary
			.contains("java.lang.Integer.parseInt | public static int parseInt(String s) throws NumberFormatException"
					+ " | Parses the string argument as a signed decimal integer.")
			.contains("java.lang.Integer.valueOf | public static Integer valueOf(String s)");
		assertThat(request.path("response_format").path("type").asString()).isEqualTo("json_schema");
		assertThat(request.path("response_format").toString()).contains("reasoning").contains("why");
	}

	@Test
	void hallucinatedApisAreCorrectedToExistingOnesOrDropped() throws Exception {
		LLM.then(Reply.json(Map.of("reasoning", "Append to a list, then count.", "apis", List.of(
				Map.of("api", "java.util.List.addElement", "why", "appends"),
				Map.of("api", "java.lang.String.parseInt", "why", "wrong class"),
				Map.of("api", "com.example.Frobnicator.frobnicate", "why", "invented"),
				Map.of("api", "java.util.List.size()", "why", "counts")))));

		JsonNode answer = recommend(request("How do I append an element to a list and then get its size?", "llm", 6));

		assertThat(answer.path("mode").asString()).as("%s", answer).isEqualTo("llm");
		JsonNode apis = answer.path("apis");
		assertThat(apis.get(0).path("api").asString()).isEqualTo("java.util.Vector.addElement");
		assertThat(apis.get(0).path("verification").path("status").asString()).isEqualTo("corrected");
		assertThat(apis.get(0).path("verification").path("original").asString()).isEqualTo("java.util.List.addElement");
		assertThat(apis.get(0).path("verification").path("similarity").asDouble()).isBetween(0.7, 1.0);
		assertThat(apis.get(1).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(apis.get(1).path("verification").path("status").asString()).isEqualTo("corrected");
		assertThat(apis.get(1).path("verification").path("original").asString()).isEqualTo("java.lang.String.parseInt");
		assertThat(apis.get(2).path("api").asString()).isEqualTo("java.util.List.size");
		assertThat(apis.get(2).path("verification").path("status").asString()).isEqualTo("verified");
		assertThat(apis.get(2).path("verification").path("original").asString()).isEqualTo("java.util.List.size()");
		assertThat(apis.get(2).path("passages").get(0).path("documentId").asString())
			.isEqualTo(this.corpus.apiDocument("java.util.List.size"));
		assertThat(answer.path("dropped")).anySatisfy((d) -> {
			assertThat(d.path("api").asString()).isEqualTo("com.example.Frobnicator.frobnicate");
			assertThat(d.path("source").asString()).isEqualTo("llm");
		});
		List<String> returned = new ArrayList<>();
		for (JsonNode api : apis) {
			returned.add(api.path("api").asString());
			assertThat(ApiFixtures.exists(this.corpus.apis(), api.path("api").asString())).as("%s", api).isTrue();
		}
		assertThat(returned).doesNotHaveDuplicates()
			.doesNotContain("java.util.List.addElement", "java.lang.String.parseInt", "com.example.Frobnicator.frobnicate");
	}

	@Test
	void anLlmTimeoutDegradesToTheRetrievalRanking() throws Exception {
		LLM.then(Reply.json(Map.of("reasoning", "too late", "apis", List.of())).after(10_000));
		long started = System.nanoTime();
		JsonNode answer = recommend(request(QUESTION, "llm", 5));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

		assertThat(answer.path("mode").asString()).as("%s", answer).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isTrue();
		assertThat(answer.path("reason").asString()).contains("did not answer within 4 s");
		assertThat(answer.path("model").asString()).isEqualTo("fake");
		assertThat(answer.has("reasoning")).isFalse();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(answer.path("apis")).allSatisfy((a) -> assertThat(a.path("source").asString()).isEqualTo("retrieval"));
	}

	@Test
	void anLlmServerErrorDegradesToTheRetrievalRanking() throws Exception {
		LLM.then(Reply.status(500, "model overloaded"));
		JsonNode answer = recommend(request(QUESTION, "llm", 5));

		assertThat(answer.path("mode").asString()).as("%s", answer).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isTrue();
		assertThat(answer.path("reason").asString()).contains("LLM call failed");
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");
		assertThat(LLM.requests()).hasSize(1);
	}

	@Test
	void anUnparseableAnswerIsAskedForOnceMore() throws Exception {
		LLM.then(Reply.text("Sure! You want Integer.parseInt."), Reply.json(Map.of("reasoning", "parse digits", "apis",
				List.of(Map.of("api", "java.lang.Integer.valueOf", "why", "boxes the parsed int")))));
		JsonNode answer = recommend(request(QUESTION, "llm", 3));

		assertThat(answer.path("mode").asString()).as("%s", answer).isEqualTo("llm");
		assertThat(answer.path("degraded").asBoolean()).isFalse();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.valueOf");
		assertThat(LLM.requests()).hasSize(2);
		assertThat(FakeOpenAiServer.promptOf(LLM.requests().get(1)))
			.isEqualTo(FakeOpenAiServer.promptOf(LLM.requests().get(0)));

		// twice unparseable: retrieval answers, and says why
		LLM.reset();
		LLM.then(Reply.text("parseInt"), Reply.text("{\"apis\": \"not a list\""));
		JsonNode degraded = recommend(request(QUESTION, "llm", 3));
		assertThat(degraded.path("mode").asString()).isEqualTo("retrieval");
		assertThat(degraded.path("degraded").asBoolean()).isTrue();
		assertThat(degraded.path("reason").asString()).contains("did not match the JSON schema");
		assertThat(LLM.requests()).hasSize(2);
	}

	@Test
	void withAnLlmConfiguredTheDefaultModeIsLlm() throws Exception {
		LLM.then(Reply.json(Map.of("reasoning", "r", "apis", List.of(Map.of("api", "java.lang.Integer.parseInt", "why", "w")))));
		Map<String, Object> request = request(QUESTION, null, 3);
		request.remove("mode");
		assertThat(recommend(request).path("mode").asString()).isEqualTo("llm");
		assertThat(LLM.requests()).hasSize(1);
	}

	static Stream<Arguments> badRequests() {
		return Stream.of(
				bad("blank query", 400, (c) -> body(c, "query", "   ")),
				bad("missing query", 400, (c) -> without(body(c), "query")),
				bad("query too long", 400, (c) -> body(c, "query", "x".repeat(4097))),
				bad("missing apiCollection", 400, (c) -> without(body(c), "apiCollection")),
				bad("invalid collection name", 400, (c) -> body(c, "apiCollection", "Robert'); DROP TABLE--")),
				bad("unknown apiCollection", 404, (c) -> body(c, "apiCollection", "no-such-collection")),
				bad("unknown examplesCollection", 404, (c) -> body(c, "examplesCollection", "no-such-examples")),
				bad("topK 0", 400, (c) -> body(c, "topK", 0)),
				bad("topK 101", 400, (c) -> body(c, "topK", 101)),
				bad("unknown mode", 400, (c) -> body(c, "mode", "oracle")),
				bad("filter not an object", 400, (c) -> body(c, "examplesFilter", "titleKey != x")),
				bad("filter field rejected by retrieval-service", 400,
						(c) -> body(c, "examplesFilter", Map.of("title key!", Map.of("ne", "x")))),
				bad("filter without examples", 400,
						(c) -> without(body(c, "examplesFilter", Map.of("titleKey", "x")), "examplesCollection")),
				bad("examplesPerSource 0", 400, (c) -> body(c, "examplesPerSource", 0)),
				bad("examplesPerSource 101", 400, (c) -> body(c, "examplesPerSource", 101)),
				bad("weights not an object", 400, (c) -> body(c, "weights", 0.5)),
				bad("unknown weight", 400, (c) -> body(c, "weights", Map.of("popularity", 1.0))),
				bad("negative weight", 400, (c) -> body(c, "weights", Map.of("lexical", -0.1))),
				bad("weight not a number", 400, (c) -> body(c, "weights", Map.of("documents", "high"))),
				bad("rrfK not whole", 400, (c) -> body(c, "weights", Map.of("rrfK", 1.5))),
				bad("not JSON", 400, (c) -> "{\"query\": "));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void badInputGetsAProblemDetail(String name, int status, Function<Corpus, Object> body) throws Exception {
		Response response = ApiFixtures.post(uri("/v1/apis/recommend"), body.apply(this.corpus));
		assertThat(response.status()).as(response.raw()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.body().path("status").asInt()).isEqualTo(status);
		assertThat(response.body().path("title").asString()).isNotBlank();
		assertThat(response.body().path("detail").asString()).isNotBlank();
		assertThat(LLM.requests()).isEmpty();
	}

	@Test
	void examplesImportedFromCsvAreIndexedWithTheExamplesContractAndImportingAgainChangesNothing() throws Exception {
		PlatformFixture platform = PlatformFixture.get();
		String collection = platform.createCollection("imported");
		String csv = """
				,title,answer
				0,How to parse an int from a string,['java.lang.Integer.parseInt']
				1,"Sort a list, then reverse it","['java.util.Collections.sort', 'java.util.Collections.reverse']"
				2,How to parse an int from a string,['java.lang.Integer.parseInt']
				3,An unanswered question,[]
				""";
		Response imported = importCsv(collection, csv);
		assertThat(imported.status()).as(imported.raw()).isEqualTo(202);
		assertThat(imported.body().path("rows").asInt()).isEqualTo(4);
		assertThat(imported.body().path("skipped").asInt()).isEqualTo(1);
		assertThat(imported.body().path("examples").asInt()).isEqualTo(2);
		assertThat(imported.body().path("submitted").asInt()).isEqualTo(2);
		assertThat(imported.body().path("failed").asInt()).isZero();

		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
			JsonNode found = ApiFixtures.post(platform.retrievalUrl().resolve("/v1/search"),
					Map.of("collection", collection, "query", "parse int sort list reverse", "mode", "lexical", "topK", 10))
				.body();
			assertThat(found.path("results").size()).isEqualTo(2);
		});
		JsonNode found = ApiFixtures.post(platform.retrievalUrl().resolve("/v1/search"),
				Map.of("collection", collection, "query", "sort reverse", "mode", "lexical", "topK", 1)).body();
		JsonNode sorted = found.path("results").get(0);
		assertThat(sorted.path("title").asString()).isEqualTo("Sort a list, then reverse it");
		assertThat(sorted.path("externalId").asString()).matches("example-[0-9a-f]{20}");
		assertThat(sorted.path("metadata").path("apis")).extracting(JsonNode::asString)
			.containsExactly("java.util.Collections.sort", "java.util.Collections.reverse");
		assertThat(sorted.path("metadata").path("titleKey").asString()).isEqualTo("sortalistthenreverseit");

		Response again = importCsv(collection, csv);
		assertThat(again.status()).as(again.raw()).isEqualTo(202);
		assertThat(again.body().path("unchanged").asInt()).isEqualTo(2);
		assertThat(again.body().path("submitted").asInt()).isZero();

		// the imported collection serves as examplesCollection
		Map<String, Object> request = request("How can I parse an int?", "retrieval", 3);
		request.put("examplesCollection", collection);
		JsonNode answer = recommend(request);
		assertThat(answer.path("examples")).isNotEmpty();
		assertThat(answer.path("apis").get(0).path("api").asString()).isEqualTo("java.lang.Integer.parseInt");

		Response unknown = importCsv("no-such-collection", csv);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.contentType()).startsWith("application/problem+json");
		Response empty = importCsv(collection, "just,some\ntext,here\n");
		assertThat(empty.status()).isEqualTo(400);
		assertThat(empty.body().path("detail").asString()).contains("no example");
	}

	private Response importCsv(String collection, String csv) throws Exception {
		String boundary = "----apis" + System.nanoTime();
		String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\n" + collection
				+ "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"train.csv\"\r\n"
				+ "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
		return ApiFixtures.send(HttpRequest.newBuilder(uri("/v1/apis/examples:import"))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build());
	}

	private Map<String, Object> request(String query, String mode, int topK) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("query", query);
		request.put("apiCollection", this.corpus.apis());
		request.put("examplesCollection", this.corpus.examples());
		request.put("topK", topK);
		request.put("mode", mode);
		return request;
	}

	private JsonNode recommend(Map<String, Object> request) throws Exception {
		Response response = ApiFixtures.post(uri("/v1/apis/recommend"), request);
		assertThat(response.status()).as(response.raw()).isEqualTo(200);
		return response.body();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Set<String> ids(java.util.function.BiPredicate<String, List<String>> which) {
		Set<String> ids = new java.util.HashSet<>();
		ApiFixtures.EXAMPLES.forEach((title, apis) -> {
			if (which.test(title, apis)) {
				ids.add(this.corpus.exampleIds().get(title));
			}
		});
		return ids;
	}

	private static JsonNode find(JsonNode array, String field, String value) {
		for (JsonNode node : array) {
			if (value.equals(node.path(field).asString(null))) {
				return node;
			}
		}
		return null;
	}

	private static Arguments bad(String name, int status, Function<Corpus, Object> body) {
		return Arguments.of(name, status, body);
	}

	private static Map<String, Object> body(Corpus c) {
		Map<String, Object> body = new HashMap<>();
		body.put("query", QUESTION);
		body.put("apiCollection", c.apis());
		body.put("examplesCollection", c.examples());
		body.put("mode", "retrieval");
		return body;
	}

	private static Map<String, Object> body(Corpus c, String field, Object value) {
		Map<String, Object> body = body(c);
		body.put(field, value);
		return body;
	}

	private static Map<String, Object> without(Map<String, Object> body, String field) {
		body.remove(field);
		return body;
	}

}
