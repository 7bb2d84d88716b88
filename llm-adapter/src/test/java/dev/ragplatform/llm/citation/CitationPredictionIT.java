package dev.ragplatform.llm.citation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ragplatform.llm.FakeOpenAiServer;
import dev.ragplatform.llm.FakeOpenAiServer.Reply;
import dev.ragplatform.llm.PlatformFixture;
import dev.ragplatform.llm.PlatformFixture.Doc;
import dev.ragplatform.llm.model.LanguageModel;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Citation prediction against the real platform (embedding, retrieval and ingest services on PostgreSQL and
 * Kafka) with a local fake OpenAI-compatible server as the LLM: retrieval per context with evidence offsets, the
 * LLM choosing among candidates (never outside them), query expansion, and degradation on LLM failures.
 */
// the short texts below would be searched whole (their markers' windows cover them, and one query takes them in):
// these tests are about the markers' contexts and the LLM's work per marker, so the coverage and length rules are off
// here (CitationWithoutLlmIT has them on),
// the whole text is searched beside the markers only when a request asks for it, and markers are never merged,
// whatever the defaults
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.llm.provider=openai",
		"rag.llm.model=fake-legal", "rag.llm.timeout=4s", "rag.llm.resilience.open-for=1ms",
		"rag.llm.citations.whole-text-coverage=1.01", "rag.llm.citations.whole-query-chars=0",
		"rag.llm.citations.whole-text=false",
		"rag.llm.citations.merge-gap=-1" })
@RealPostgres
@RealKafka
class CitationPredictionIT {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final FakeOpenAiServer LLM = FakeOpenAiServer.start();

	static final Map<String, String> CASES = Map.of(
			"dying-declaration", "State v. Kumar. A dying declaration made by a person who believed death was "
					+ "imminent is admissible in evidence without corroboration when the court is satisfied that it "
					+ "was true, voluntary and made in a fit state of mind. The magistrate recorded it in hospital.",
			"anticipatory-bail", "Sibbia v. Punjab. Anticipatory bail may be granted to a person who apprehends "
					+ "arrest on an accusation of a non-bailable offence; the High Court or Court of Session may "
					+ "direct release on bail in the event of arrest, with conditions it thinks fit.",
			"adverse-possession", "Karnataka Board v. Gopal. A person claiming title to land by adverse possession "
					+ "must show open, continuous and hostile possession for twelve years to the knowledge of the "
					+ "true owner; mere long possession is not enough.",
			"frustration", "Satyabrata Ghose. A contract is frustrated when an unforeseen event makes performance "
					+ "impossible or radically different from what was undertaken; requisition of the land for "
					+ "war purposes was held not to frustrate the contract to develop plots.",
			"privacy", "Puttaswamy v. Union. The right to privacy is protected as an intrinsic part of the right to "
					+ "life and personal liberty under Article 21 and as part of the freedoms guaranteed by Part III.",
			"negligence", "Donoghue v. Stevenson. A manufacturer of products sold in a form that reaches the "
					+ "ultimate consumer owes that consumer a duty to take reasonable care; a snail in a bottle of "
					+ "ginger beer caused illness.");

	static final String JUDGMENT = "The prosecution case rests on the statement the deceased made to the "
			+ "magistrate in hospital shortly before she died, believing death was imminent; such a dying declaration "
			+ "is admissible without corroboration [?CITATION?]. The accused had earlier applied for anticipatory "
			+ "bail, fearing arrest for a non-bailable offence, and the Court of Session granted it [?CITATION?].";

	static String collection;

	static Map<String, String> ids;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		registry.add("rag.llm.retrieval.url", () -> PlatformFixture.get().retrievalUrl().toString());
		registry.add("rag.llm.base-url", LLM::baseUrl);
	}

	@BeforeAll
	static void corpus() {
		PlatformFixture platform = PlatformFixture.get();
		collection = platform.createCollection("cases");
		List<Doc> docs = new ArrayList<>();
		CASES.forEach((id, text) -> docs.add(new Doc(id, text.substring(0, text.indexOf('.')), text)));
		ids = platform.ingest(collection, docs);
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	LanguageModel model;

	@BeforeEach
	void resetLlm() {
		LLM.reset();
		// the failure scenarios below count against the breaker; each test starts with it closed
		this.model.resetCircuit();
	}

	@Test
	void retrievalModeFindsEachContextsSourceWithEvidenceAtItsOffsets() throws Exception {
		JsonNode answer = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "retrieval", "topK", 4,
				"wholeText", true));
		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isFalse();
		assertThat(answer.path("markersFound").asInt()).isEqualTo(2);
		JsonNode contexts = answer.path("contexts");
		assertThat(contexts).as("two markers, and the short text whole as one passage").hasSize(3);
		for (JsonNode context : List.of(contexts.get(0), contexts.get(1))) {
			assertThat(JUDGMENT.substring(context.path("markerStart").asInt(), context.path("markerEnd").asInt()))
				.isEqualTo("[?CITATION?]");
		}
		assertThat(contexts.get(2).path("kind").asString()).isEqualTo("passage");
		assertThat(contexts.get(2).has("markerStart")).isFalse();
		JsonNode markersOnly = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "retrieval"));
		assertThat(markersOnly.path("contexts")).as("whole-text off: the markers only").hasSize(2);
		JsonNode silentWhole = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "retrieval",
				"wholeText", true, "wholeTextWeight", 0.0));
		assertThat(silentWhole.path("contexts")).hasSize(3);
		assertThat(externalIds(silentWhole)).as("a whole text of weight 0 only appends what the markers did not find")
			.startsWith(externalIds(markersOnly).toArray(String[]::new));
		List<String> top = externalIds(answer).subList(0, 2);
		assertThat(top).containsExactlyInAnyOrder("dying-declaration", "anticipatory-bail");
		JsonNode first = answer.path("documents").get(0);
		assertThat(first.path("verified").asBoolean()).isTrue();
		assertThat(first.path("sources")).extracting(JsonNode::asString).containsExactly("retrieval");
		assertThat(first.path("supports").get(0).path("rank").asInt()).isEqualTo(1);
		JsonNode evidence = first.path("evidence");
		String parsed = text(first.path("documentId").asString());
		assertThat(parsed.substring(evidence.path("startOffset").asInt(), evidence.path("endOffset").asInt()))
			.isEqualTo(evidence.path("text").asString());
		assertThat(LLM.requests()).as("retrieval mode asks no LLM").isEmpty();
	}

	@Test
	void theLlmChoosesAmongRetrievedCandidatesOnlyAndItsExpansionIsSearched() throws Exception {
		LLM.otherwise((request) -> {
			String prompt = FakeOpenAiServer.promptOf(request);
			if (prompt.contains("You help find the source")) {
				// the expansion leads to a case no context mentions: it must be found through the expansion search
				return Reply.json(Map.of("passage", "The right to privacy is part of life and personal liberty under "
						+ "Article 21 of the Constitution."));
			}
			// choose the adverse possession case wherever it is listed, plus labels that name nothing
			List<String> labels = new ArrayList<>();
			for (String line : prompt.split("\n")) {
				if (line.startsWith("[C") && line.contains("Karnataka Board")) {
					labels.add(line.substring(1, line.indexOf(']')));
				}
			}
			labels.add("C99");
			labels.add("doc-that-does-not-exist");
			return Reply.json(Map.of("reasoning", "the fake prefers land law", "cited", labels));
		});
		JsonNode answer = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "llm", "topK", 6,
				"wholeText", true));
		assertThat(answer.path("mode").asString()).isEqualTo("llm");
		assertThat(answer.path("degraded").asBoolean()).as("%s", answer).isFalse();
		assertThat(answer.path("model").asString()).isEqualTo("fake-legal");
		List<String> ranked = externalIds(answer);
		assertThat(ranked.get(0)).as("the LLM's choice comes first").isEqualTo("adverse-possession");
		assertThat(answer.path("documents").get(0).path("sources")).extracting(JsonNode::asString).contains("llm");
		assertThat(ranked).as("found through the expansion").contains("privacy");
		JsonNode privacy = document(answer, "privacy");
		assertThat(privacy.path("sources")).extracting(JsonNode::asString).contains("expansion");
		assertThat(ranked).doesNotContain("doc-that-does-not-exist").hasSize(Set.copyOf(ranked).size());
		assertThat(ranked).allSatisfy((id) -> assertThat(ids).containsKey(id));

		List<JsonNode> requests = LLM.requests();
		assertThat(requests).as("an expansion and a choice per marker context, none for the whole-text passage")
			.hasSize(4);
		String choice = requests.stream().map(FakeOpenAiServer::promptOf).filter((p) -> p.contains("Candidates:"))
			.findFirst().orElseThrow();
		assertThat(choice).contains("dying declaration").contains("[C1]").contains("Karnataka Board");
		assertThat(requests.get(0).path("model").asString()).isEqualTo("fake-legal");
		assertThat(requests.get(0).path("response_format").path("type").asString()).isEqualTo("json_schema");
	}

	@Test
	void ensembleVotesOverRetrievalExpansionAndChoice() throws Exception {
		LLM.otherwise((request) -> FakeOpenAiServer.promptOf(request).contains("You help find the source")
				? Reply.json(Map.of("passage", "A dying declaration is admissible without corroboration."))
				: Reply.json(Map.of("reasoning", "first candidate", "cited", List.of("C1"))));
		JsonNode answer = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "ensemble", "topK", 3));
		assertThat(answer.path("mode").asString()).isEqualTo("ensemble");
		JsonNode best = answer.path("documents").get(0);
		assertThat(best.path("externalId").asString()).isEqualTo("dying-declaration");
		assertThat(best.path("sources")).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("retrieval", "expansion", "llm");
	}

	@Test
	void llmServerErrorsDegradeToTheRetrievalAnswer() throws Exception {
		JsonNode retrieval = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "retrieval"));
		LLM.otherwise((request) -> Reply.status(500, "model crashed"));
		JsonNode answer = predict(Map.of("collection", collection, "text", JUDGMENT, "mode", "llm"));
		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isTrue();
		assertThat(answer.path("reason").asString()).contains("2 of 2 contexts").contains("failed");
		assertThat(externalIds(answer)).isEqualTo(externalIds(retrieval));
	}

	@Test
	void llmTimeoutsDegradeToTheRetrievalAnswer() throws Exception {
		LLM.otherwise((request) -> Reply.json(Map.of("passage", "x")).after(10_000));
		long started = System.nanoTime();
		JsonNode answer = predict(Map.of("collection", collection, "text", "A dying declaration is admissible "
				+ "without corroboration [?CITATION?].", "mode", "llm"));
		assertThat(answer.path("mode").asString()).isEqualTo("retrieval");
		assertThat(answer.path("degraded").asBoolean()).isTrue();
		assertThat(answer.path("reason").asString()).contains("did not answer within 4 s");
		assertThat(externalIds(answer).get(0)).isEqualTo("dying-declaration");
		assertThat((System.nanoTime() - started) / 1e9).as("waits for the time limit, not for the LLM").isLessThan(9);
	}

	@Test
	void anUnparseableAnswerIsAskedForOnceMore() throws Exception {
		LLM.then(Reply.text("Sure! The passage would say something about evidence."),
				Reply.json(Map.of("passage", "A dying declaration is admissible without corroboration.")),
				Reply.text("I think C1"), Reply.text("still not JSON"));
		JsonNode answer = predict(Map.of("collection", collection, "text", "The statement of the deceased to the "
				+ "magistrate was admitted [?CITATION?].", "mode", "llm"));
		assertThat(LLM.requests()).as("expansion twice, choice twice").hasSize(4);
		assertThat(answer.path("degraded").asBoolean()).as("the choice failed twice").isTrue();
		assertThat(answer.path("reason").asString()).contains("did not match the JSON schema");
		assertThat(answer.path("mode").asString()).as("the expansion was used").isEqualTo("llm");
		assertThat(document(answer, "dying-declaration").path("sources")).extracting(JsonNode::asString)
			.contains("expansion");
	}

	@Test
	void badRequestsAreProblems() throws Exception {
		assertProblem(Map.of("collection", collection, "text", " "), 400, "'text' is required");
		assertProblem(Map.of("text", "x [1]"), 400, "'collection' is required");
		assertProblem(Map.of("collection", collection, "text", "x", "topK", 0), 400, "'topK'");
		assertProblem(Map.of("collection", collection, "text", "x", "mode", "oracle"), 400, "Unknown mode");
		assertProblem(Map.of("collection", collection, "text", "x", "searchMode", "psychic"), 400, "searchMode");
		assertProblem(Map.of("collection", collection, "text", "x", "wholeTextWeight", -1), 400, "'wholeTextWeight'");
		assertProblem(Map.of("collection", collection, "text", "x", "wholeTextWeight", 1000), 400, "between 0 and 100");
		assertProblem(Map.of("collection", "no-such-collection", "text", "x"), 404, "no-such-collection");
		assertProblem(Map.of("collection", collection, "text", "[1] [2]"), 400, "nothing to search");
		HttpResponse<String> malformed = post("{\"collection\": ");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private void assertProblem(Map<String, Object> body, int status, String detail) throws Exception {
		HttpResponse<String> response = post(JSON.writeValueAsString(body));
		assertThat(response.statusCode()).as("%s → %s", body, response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(JSON.readTree(response.body()).path("detail").asString()).contains(detail);
	}

	private JsonNode predict(Map<String, Object> body) throws Exception {
		HttpResponse<String> response = post(JSON.writeValueAsString(body));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> post(String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port
				+ "/v1/citations/predict"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String text(String documentId) throws Exception {
		URI uri = PlatformFixture.get().ingestUrl().resolve("/v1/collections/" + collection + "/documents/"
				+ documentId + "/text");
		return this.http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
	}

	private static List<String> externalIds(JsonNode answer) {
		List<String> ids = new ArrayList<>();
		answer.path("documents").forEach((d) -> ids.add(d.path("externalId").asString()));
		return ids;
	}

	private static JsonNode document(JsonNode answer, String externalId) {
		for (JsonNode d : answer.path("documents")) {
			if (externalId.equals(d.path("externalId").asString())) {
				return d;
			}
		}
		throw new AssertionError(externalId + " not among " + externalIds(answer).stream()
			.collect(Collectors.joining(", ")));
	}

}
