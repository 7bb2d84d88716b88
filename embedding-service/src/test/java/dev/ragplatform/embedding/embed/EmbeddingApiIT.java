package dev.ragplatform.embedding.embed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.ragplatform.embedding.model.LlmEmbedderInstructions;
import dev.ragplatform.embedding.model.Vectors;
import dev.ragplatform.runtime.lateinteraction.MaxSim;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The embedding APIs over real HTTP with the real bundled models. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingApiIT {

	static final List<String> TEXTS = List.of("hello",
			"What is the capital of France?",
			"Paris is the capital and most populous city of France, with an estimated population of 2,102,650.",
			"java.util.List#sort(Comparator) sorts this list according to the order induced by the comparator.",
			"Vitamin D deficiency is associated with an increased risk of multiple sclerosis in adults.",
			"def f(x):\n    return x ** 2  # squares\n",
			"Ünïcödé, emojis 🚀 and CJK 漢字 mixed with symbols ∑∫√.",
			"The Supreme Court held that the appellant's conviction under Section 302 IPC could not be sustained. "
					.repeat(12));

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	private BgeSmallEnV15EmbeddingModel reference;

	@BeforeAll
	void loadReference() {
		this.reference = new BgeSmallEnV15EmbeddingModel();
	}

	@AfterAll
	void releaseReference() {
		this.reference = null;
	}

	@Test
	void documentVectorsAgreeWithLangChain4jsIndependentImplementation() throws Exception {
		List<float[]> ours = vectors(post("/v1/embeddings", Map.of("input", TEXTS)));
		for (int i = 0; i < TEXTS.size(); i++) {
			float[] theirs = this.reference.embed(TEXTS.get(i)).content().vector();
			assertThat(Vectors.cosine(ours.get(i), theirs)).as("text %d", i).isGreaterThanOrEqualTo(0.999);
		}
	}

	@Test
	void queryVectorsCarryBgesQueryInstruction() throws Exception {
		List<float[]> ours = vectors(post("/v1/embeddings", Map.of("input", TEXTS.subList(0, 4), "input_type", "query")));
		for (int i = 0; i < 4; i++) {
			float[] theirs = this.reference
				.embed("Represent this sentence for searching relevant passages: " + TEXTS.get(i)).content().vector();
			assertThat(Vectors.cosine(ours.get(i), theirs)).as("query %d", i).isGreaterThanOrEqualTo(0.999);
		}
	}

	@Test
	void singleAndBatchedInputsGiveTheSameVectors() throws Exception {
		List<float[]> batched = vectors(post("/v1/embeddings", Map.of("input", TEXTS)));
		for (int i = 0; i < TEXTS.size(); i++) {
			float[] single = vectors(post("/v1/embeddings", Map.of("input", TEXTS.get(i)))).get(0);
			assertThat(batched.get(i)).as("text %d", i).containsExactly(single, within(2e-5f));
		}
	}

	@Test
	void eachTaskInstructionChangesTheVectorExactlyAsSpecified() throws Exception {
		String text = "how do I sort a list with a comparator";
		float[] plain = vectors(post("/v1/embeddings", Map.of("input", text))).get(0);
		List<float[]> seen = new ArrayList<>();
		for (var task : LlmEmbedderInstructions.TASKS.entrySet()) {
			float[] query = vectors(post("/v1/embeddings", Map.of("input", text, "task", task.getKey(), "input_type", "query"))).get(0);
			float[] key = vectors(post("/v1/embeddings", Map.of("input", text, "task", task.getKey()))).get(0);
			float[] viaInstruction = vectors(post("/v1/embeddings",
					Map.of("input", text, "instruction", task.getValue().query()))).get(0);
			float[] reference = this.reference.embed(task.getValue().query() + text).content().vector();
			assertThat(query).as(task.getKey()).containsExactly(viaInstruction, within(1e-6f));
			assertThat(Vectors.cosine(query, reference)).as(task.getKey()).isGreaterThanOrEqualTo(0.999);
			assertThat(Vectors.cosine(key, this.reference.embed(task.getValue().key() + text).content().vector()))
				.as(task.getKey() + " key").isGreaterThanOrEqualTo(0.999);
			assertThat(Vectors.cosine(query, plain)).as(task.getKey() + " differs from no instruction").isLessThan(0.995);
			assertThat(Vectors.cosine(query, key)).as(task.getKey() + " query differs from key").isLessThan(0.995);
			seen.forEach((other) -> assertThat(Vectors.cosine(query, other)).isLessThan(0.9995));
			seen.add(query);
		}
	}

	@Test
	void dimensionsTruncateThenRenormalise() throws Exception {
		float[] full = vectors(post("/v1/embeddings", Map.of("input", TEXTS.get(2)))).get(0);
		float[] cut = vectors(post("/v1/embeddings", Map.of("input", TEXTS.get(2), "dimensions", 64))).get(0);
		assertThat(cut).hasSize(64).containsExactly(Vectors.truncate(full, 64, true), within(1e-6f));
		assertThat(norm(java.util.Arrays.copyOf(full, 64))).as("the bare prefix is not unit length").isLessThan(0.99);
		assertThat(norm(cut)).isCloseTo(1.0, within(1e-5));
	}

	@Test
	void base64EncodingCarriesTheSameLittleEndianFloats() throws Exception {
		JsonNode floats = post("/v1/embeddings", Map.of("input", TEXTS.get(1))).json();
		JsonNode encoded = post("/v1/embeddings", Map.of("input", TEXTS.get(1), "encoding_format", "base64")).json();
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.at("/data/0/embedding").stringValue()))
			.order(ByteOrder.LITTLE_ENDIAN);
		float[] decoded = new float[bytes.remaining() / 4];
		bytes.asFloatBuffer().get(decoded);
		assertThat(decoded).containsExactly(vectors(new Response(200, floats)).get(0), within(0f));
		assertThat(floats.at("/usage/prompt_tokens").intValue()).isEqualTo(floats.at("/usage/total_tokens").intValue())
			.isGreaterThan(5);
		assertThat(floats.at("/model").stringValue()).isEqualTo("bge-small-en-v1.5");
	}

	@Test
	void springAisOpenAiClientWorksUnchanged() throws Exception {
		OpenAiEmbeddingModel client = new OpenAiEmbeddingModel(OpenAiEmbeddingOptions.builder()
			.baseUrl("http://127.0.0.1:" + this.port + "/v1")
			.apiKey("not-needed")
			.model("bge-small-en-v1.5")
			.build());
		EmbeddingResponse response = client.embedForResponse(TEXTS.subList(0, 3));
		List<float[]> ours = vectors(post("/v1/embeddings", Map.of("input", TEXTS.subList(0, 3))));
		assertThat(response.getResults()).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(response.getResults().get(i).getOutput()).containsExactly(ours.get(i), within(2e-5f));
		}
		assertThat(client.dimensions()).isEqualTo(384);
	}

	@Test
	void langChain4jsOpenAiClientWorksUnchanged() throws Exception {
		var client = dev.langchain4j.model.openai.OpenAiEmbeddingModel.builder()
			.baseUrl("http://127.0.0.1:" + this.port + "/v1")
			.apiKey("not-needed")
			.modelName("bge-small-en-v1.5")
			.build();
		List<dev.langchain4j.data.embedding.Embedding> embeddings = client
			.embedAll(TEXTS.subList(0, 3).stream().map(dev.langchain4j.data.segment.TextSegment::from).toList())
			.content();
		List<float[]> ours = vectors(post("/v1/embeddings", Map.of("input", TEXTS.subList(0, 3))));
		assertThat(embeddings).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(embeddings.get(i).vector()).containsExactly(ours.get(i), within(2e-5f));
		}
	}

	@Test
	void teiEmbedTokenizeAndInfoSpeakTeisApi() throws Exception {
		Response embed = post("/embed", Map.of("inputs", TEXTS.subList(0, 2)));
		assertThat(embed.status()).isEqualTo(200);
		List<float[]> openAi = vectors(post("/v1/embeddings", Map.of("input", TEXTS.subList(0, 2))));
		for (int i = 0; i < 2; i++) {
			assertThat(floats(embed.json().get(i))).containsExactly(openAi.get(i), within(2e-5f));
		}
		float[] raw = floats(post("/embed", Map.of("inputs", TEXTS.get(1), "normalize", false)).json().get(0));
		assertThat(norm(raw)).isGreaterThan(1.5);
		assertThat(Vectors.cosine(raw, openAi.get(1))).isCloseTo(1.0, within(1e-5));

		JsonNode tokens = post("/tokenize", Map.of("inputs", "Hello, world!")).json().get(0);
		assertThat(tokens.get(0).get("text").stringValue()).isEqualTo("[CLS]");
		assertThat(tokens.get(0).get("special").booleanValue()).isTrue();
		assertThat(tokens.get(1).get("text").stringValue()).isEqualTo("hello");
		assertThat(tokens.get(1).get("start").intValue()).isZero();
		assertThat(tokens.get(1).get("stop").intValue()).isEqualTo(5);

		JsonNode info = get("/info").json();
		assertThat(info.get("model_id").stringValue()).isEqualTo("bge-small-en-v1.5");
		assertThat(info.get("max_input_length").intValue()).isEqualTo(512);
		assertThat(info.at("/model_type/embedding/pooling").stringValue()).isEqualTo("cls");
		assertThat(get("/info?model=bge-small-en-v1.5-int8").json().get("model_dtype").stringValue()).isEqualTo("int8");

		// the model's own tokenizer.json, for clients that count tokens as the model does
		JsonNode tokenizer = get("/v1/models/bge-small-en-v1.5/tokenizer.json").json();
		assertThat(tokenizer.at("/model/vocab/hello").isInt()).isTrue();
		assertThat(get("/v1/models/no-such-model/tokenizer.json").status()).isEqualTo(404);
	}

	@Test
	void theInt8ModelIsServedAndCloseToFp32() throws Exception {
		float[] fp32 = vectors(post("/v1/embeddings", Map.of("input", TEXTS.get(4)))).get(0);
		JsonNode int8 = post("/v1/embeddings", Map.of("input", TEXTS.get(4), "model", "bge-small-en-v1.5-int8")).json();
		assertThat(int8.get("model").stringValue()).isEqualTo("bge-small-en-v1.5-int8");
		assertThat(Vectors.cosine(fp32, vectors(new Response(200, int8)).get(0))).isGreaterThan(0.97);
	}

	@Test
	void queriesToTheInt8ModelAreEmbeddedByTheFp32ModelDocumentsAreNot() throws Exception {
		JsonNode query = post("/v1/embeddings", Map.of("input", TEXTS.get(1), "model", "bge-small-en-v1.5-int8",
				"input_type", "query")).json();
		JsonNode fp32Query = post("/v1/embeddings", Map.of("input", TEXTS.get(1), "input_type", "query")).json();
		assertThat(query.get("model").stringValue()).isEqualTo("bge-small-en-v1.5");
		assertThat(vectors(new Response(200, query)).get(0))
			.containsExactly(vectors(new Response(200, fp32Query)).get(0), within(2e-5f));
		JsonNode document = post("/v1/embeddings", Map.of("input", TEXTS.get(1), "model", "bge-small-en-v1.5-int8")).json();
		assertThat(document.get("model").stringValue()).isEqualTo("bge-small-en-v1.5-int8");
	}

	@Test
	void badRequestsGetProblemDetailsWithTheRightStatus() throws Exception {
		assertProblem(post("/v1/embeddings", Map.of("input", List.of())), 422, "input must not be empty");
		assertProblem(post("/v1/embeddings", Map.of("input", List.of("ok", " "))), 422, "input 1 is empty");
		assertProblem(post("/embed", Map.of()), 422, "inputs is required");
		assertProblem(post("/v1/embeddings", Map.of("input", "x", "model", "text-embedding-3-small")), 400,
				"bge-small-en-v1.5, bge-small-en-v1.5-int8");
		assertProblem(post("/v1/embeddings", Map.of("input", "x", "task", "search")), 400,
				"chat, convsearch, icl, lrlm, qa, tool");
		assertProblem(post("/v1/embeddings", Map.of("input", "x", "dimensions", 385)), 400, "between 1 and 384");
		assertProblem(post("/v1/embeddings", Map.of("input", "x", "encoding_format", "int8")), 400, "'float' or 'base64'");
		assertProblem(post("/v1/embeddings", Map.of("input", List.of(List.of(1, 2)))), 400, "token arrays");
		assertProblem(post("/v1/embeddings", Map.of("input", "x".repeat(40_000))), 413, "at most 32768");
		assertProblem(post("/v1/embeddings", Map.of("input", java.util.Collections.nCopies(2049, "x"))), 413,
				"at most 2048");
		String longText = "word ".repeat(600);
		assertProblem(post("/v1/embeddings", Map.of("input", longText, "truncate", false)), 413, "at most 512");
		JsonNode truncated = post("/v1/embeddings", Map.of("input", longText)).json();
		assertThat(truncated.at("/usage/prompt_tokens").intValue()).isEqualTo(512);
		Response malformed = send(HttpRequest.newBuilder(uri("/v1/embeddings"))
			.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"input\":")).build());
		assertThat(malformed.status()).isEqualTo(400);
	}

	@Test
	void tokenVectorsComeFromTheForwardPassOfThePooledVector() throws Exception {
		String text = TEXTS.get(2);
		JsonNode datum = post("/v1/embeddings", Map.of("input", text, "token_vectors", "float32")).json().at("/data/0");
		float[] pooled = floats(datum.get("embedding"));
		float[][] tokens = tokenVectors(datum, TokenEncoding.FLOAT32);
		// kept: [CLS] and every token of the text; not [SEP]
		int textTokens = post("/tokenize", Map.of("inputs", text, "add_special_tokens", false)).json().get(0).size();
		assertThat(tokens).hasNumberOfRows(1 + textTokens);
		// bge pools [CLS]: the first token vector is the text's vector, so both came from one last_hidden_state
		assertThat(tokens[0]).containsExactly(pooled, within(1e-5f));
		for (float[] token : tokens) {
			assertThat(norm(token)).isCloseTo(1.0, within(1e-4));
		}
		// without token_vectors nothing changes and nothing is added
		JsonNode plain = post("/v1/embeddings", Map.of("input", text)).json().at("/data/0");
		assertThat(plain.has("token_vectors")).isFalse();
		assertThat(floats(plain.get("embedding"))).containsExactly(pooled, within(1e-6f));
	}

	@Test
	void queryTokenVectorsLeaveTheInstructionOut() throws Exception {
		String query = "capital of France";
		JsonNode datum = post("/v1/embeddings",
				Map.of("input", query, "input_type", "query", "token_vectors", "float32")).json().at("/data/0");
		int queryTokens = post("/tokenize", Map.of("inputs", query, "add_special_tokens", false)).json().get(0).size();
		assertThat(tokenVectors(datum, TokenEncoding.FLOAT32)).hasNumberOfRows(1 + queryTokens);
	}

	@Test
	void eachStoredEncodingRanksByMaxSimAsFloatDoes() throws Exception {
		List<String> passages = List.of(TEXTS.get(2), TEXTS.get(4), TEXTS.get(3));
		JsonNode query = post("/v1/embeddings", Map.of("input", "Which city is the capital of France?",
				"input_type", "query", "token_vectors", "float32")).json().at("/data/0");
		MaxSim maxSim = new MaxSim(tokenVectors(query, TokenEncoding.FLOAT32));
		float[] exact = null;
		for (TokenEncoding encoding : TokenEncoding.values()) {
			JsonNode data = post("/v1/embeddings", Map.of("input", passages, "token_vectors", encoding.id())).json()
				.get("data");
			float[] scores = new float[passages.size()];
			for (int i = 0; i < scores.length; i++) {
				byte[] stored = Base64.getDecoder().decode(data.get(i).get("token_vectors").stringValue());
				scores[i] = maxSim.score(encoding, stored);
			}
			assertThat(scores[0]).as(encoding.id()).isGreaterThan(scores[1]).isGreaterThan(0);
			assertThat(scores[0]).as(encoding.id()).isGreaterThan(scores[2]);
			if (exact == null) {
				exact = scores;
			}
			else if (encoding == TokenEncoding.INT8) {
				assertThat(scores).as(encoding.id()).containsExactly(exact, within(0.01f));
			}
		}
		assertProblem(post("/v1/embeddings", Map.of("input", "x", "token_vectors", "fp8")), 400,
				"float32, int8 or binary");
	}

	@Test
	void tokenVectorsAreTheSameAloneAndInABatchAndKeepFullWidthUnderDimensions() throws Exception {
		JsonNode batched = post("/v1/embeddings", Map.of("input", TEXTS, "token_vectors", "float32")).json().get("data");
		for (int i = 0; i < TEXTS.size(); i++) {
			JsonNode single = post("/v1/embeddings",
					Map.of("input", TEXTS.get(i), "token_vectors", "float32", "dimensions", 64)).json().at("/data/0");
			assertThat(floats(single.get("embedding"))).hasSize(64);
			float[][] alone = tokenVectors(single, TokenEncoding.FLOAT32);
			float[][] inBatch = tokenVectors(batched.get(i), TokenEncoding.FLOAT32);
			assertThat(alone).as("text %d", i).hasNumberOfRows(inBatch.length);
			for (int t = 0; t < alone.length; t++) {
				assertThat(alone[t]).as("text %d token %d", i, t).containsExactly(inBatch[t], within(2e-5f));
			}
		}
	}

	private static float[][] tokenVectors(JsonNode datum, TokenEncoding encoding) {
		assertThat(encoding).isEqualTo(TokenEncoding.FLOAT32);
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(datum.get("token_vectors").stringValue()))
			.order(ByteOrder.LITTLE_ENDIAN);
		float[][] tokens = new float[bytes.remaining() / (4 * 384)][384];
		for (float[] token : tokens) {
			bytes.asFloatBuffer().get(token);
			bytes.position(bytes.position() + 4 * 384);
		}
		assertThat(bytes.remaining()).isZero();
		return tokens;
	}

	@Test
	void metricsDescribeQueueTokenizationInferenceAndBatches() throws Exception {
		post("/v1/embeddings", Map.of("input", TEXTS));
		String metrics = new String(HTTP.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofByteArray()).body());
		assertThat(metrics).contains("rag_embedding_queue_time_seconds", "rag_embedding_tokenize_time_seconds",
				"rag_embedding_inference_time_seconds", "rag_embedding_batch_size", "rag_embedding_batch_tokens",
				"rag_embedding_batch_padding_ratio", "rag_embedding_requests_total{api=\"openai\"");
	}

	private static void assertProblem(Response response, int status, String detail) {
		assertThat(response.status()).as(response.json().toString()).isEqualTo(status);
		assertThat(response.json().get("status").intValue()).isEqualTo(status);
		assertThat(response.json().get("type").stringValue()).startsWith("https://ragplatform.dev/problems/");
		assertThat(response.json().get("detail").stringValue()).contains(detail);
	}

	private static double norm(float[] v) {
		double sum = 0;
		for (float x : v) {
			sum += (double) x * x;
		}
		return Math.sqrt(sum);
	}

	static List<float[]> vectors(Response response) {
		assertThat(response.status()).as(response.json().toString()).isEqualTo(200);
		List<float[]> vectors = new ArrayList<>();
		for (JsonNode datum : response.json().get("data")) {
			vectors.add(floats(datum.get("embedding")));
		}
		return vectors;
	}

	static float[] floats(JsonNode array) {
		float[] v = new float[array.size()];
		for (int i = 0; i < v.length; i++) {
			v[i] = array.get(i).floatValue();
		}
		return v;
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	Response post(String path, Object body) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
	}

	private Response get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	static Response send(HttpRequest request) throws Exception {
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return new Response(response.statusCode(), JSON.readTree(response.body()));
	}

	record Response(int status, JsonNode json) {
	}

}
