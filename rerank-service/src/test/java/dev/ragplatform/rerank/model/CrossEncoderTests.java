package dev.ragplatform.rerank.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The cross-encoder runner on real ONNX Runtime with a tiny graph whose scores the test predicts exactly
 * ({@link TinyCrossEncoder}): pair tokenisation and token types, passage-only truncation, batching, score functions.
 */
class CrossEncoderTests {

	static final long CLS = 101;

	static final long SEP = 102;

	/** 32 tokens per pair: small enough to make truncation easy to provoke. */
	static final int MAX_LENGTH = 32;

	static final String QUERY = "what is rust?";

	static final List<String> PASSAGES = List.of("Rust is a systems programming language.",
			"Paris is the capital of France.", "hello", "",
			"Iron oxide, commonly called rust, forms when iron reacts with oxygen and water over time.",
			"Ünïcödé, emojis 🚀 and CJK 漢字.");

	@TempDir
	static Path dir;

	static RerankModels models;

	static HuggingFaceTokenizer tokenizer;

	@BeforeAll
	static void load() throws Exception {
		List<Path> dirs = List.of(TinyCrossEncoder.write(dir.resolve("a"), "tiny", MAX_LENGTH, "sigmoid", 1),
				TinyCrossEncoder.write(dir.resolve("b"), "tiny-raw", MAX_LENGTH, "raw", 1),
				TinyCrossEncoder.write(dir.resolve("c"), "tiny-all-tokens", MAX_LENGTH, "raw", 0),
				TinyCrossEncoder.writeWithoutTokenTypes(dir.resolve("d"), "tiny-no-types", MAX_LENGTH));
		models = new RerankModels(TestProperties.of("tiny", List.of(), dirs, 4096), new SimpleMeterRegistry());
		try (var json = Files.newInputStream(dir.resolve("a/tokenizer.json"))) {
			tokenizer = Tokenizers.load(json);
		}
	}

	@AfterAll
	static void close() {
		models.destroy();
		tokenizer.close();
	}

	@Test
	void pairsCarryTheQueryAsSegment0AndThePassageAsSegment1() {
		PairEncoder.Pairs pairs = ((CrossEncoder) models.get("tiny")).pairs()
			.encode(QUERY, List.of(PASSAGES.get(0)), null, true);
		long[] q = tokens(QUERY);
		long[] p = tokens(PASSAGES.get(0));
		Encoded pair = pairs.pairs().get(0);
		assertThat(pair.ids()).containsExactly(concat(new long[] { CLS }, q, new long[] { SEP }, p, new long[] { SEP }));
		long[] types = new long[q.length + p.length + 3];
		Arrays.fill(types, q.length + 2, types.length, 1L);
		assertThat(pair.typeIds()).containsExactly(types);
		assertThat(pairs.truncated()).isZero();
		assertThat(pairs.tokens()).isEqualTo(types.length);
	}

	@Test
	void scoresAreTheModelsLogitsThroughTheDescriptorsScoreFunction() {
		float[] sigmoid = score("tiny", QUERY, PASSAGES, null, false);
		float[] raw = score("tiny-raw", QUERY, PASSAGES, null, false);
		float[] rawRequested = score("tiny", QUERY, PASSAGES, null, true);
		for (int i = 0; i < PASSAGES.size(); i++) {
			float logit = sum(concat(tokens(PASSAGES.get(i)), new long[] { SEP })); // segment 1 ends with its [SEP]
			assertThat(raw[i]).as("passage %d", i).isCloseTo(logit, within(1e-5f));
			assertThat(rawRequested[i]).as("passage %d", i).isCloseTo(logit, within(1e-5f));
			assertThat(sigmoid[i]).as("passage %d", i).isCloseTo((float) (1 / (1 + Math.exp(-logit))), within(1e-6f));
		}
		// column 1 counts segment 1 only: the query cannot change it, so token types did reach the model
		assertThat(score("tiny-raw", "a completely different question about cooking pasta", PASSAGES, null, false))
			.containsExactly(raw, within(1e-6f));
	}

	@Test
	void theQueryIsPartOfEveryPairAndTokenTypesAreFedOnlyWhenTheGraphTakesThem() {
		float[] all = score("tiny-all-tokens", QUERY, PASSAGES, null, false);
		float[] noTypes = score("tiny-no-types", QUERY, PASSAGES, null, false);
		for (int i = 0; i < PASSAGES.size(); i++) {
			float expected = sum(concat(new long[] { CLS }, tokens(QUERY), new long[] { SEP }, tokens(PASSAGES.get(i)),
					new long[] { SEP }));
			assertThat(all[i]).as("passage %d", i).isCloseTo(expected, within(1e-5f));
			assertThat(noTypes[i]).as("passage %d", i).isCloseTo(expected, within(1e-5f));
		}
	}

	@Test
	void onlyThePassageIsTruncatedToTheRoomTheQueryLeaves() {
		String passage = "Rust is a multi-paradigm, general-purpose programming language that emphasizes performance, "
				+ "type safety and concurrency. It enforces memory safety without a garbage collector.";
		long[] q = tokens(QUERY);
		long[] p = tokens(passage);
		int room = MAX_LENGTH - 3 - q.length;
		assertThat(p.length).isGreaterThan(room);
		CrossEncoder model = (CrossEncoder) models.get("tiny");

		PairEncoder.Pairs pairs = model.pairs().encode(QUERY, List.of(passage, "short"), null, true);
		long[] kept = Arrays.copyOf(p, room);
		assertThat(pairs.pairs().get(0).ids())
			.containsExactly(concat(new long[] { CLS }, q, new long[] { SEP }, kept, new long[] { SEP }));
		assertThat(pairs.pairs().get(0).tokens()).isEqualTo(MAX_LENGTH);
		assertThat(pairs.truncated()).isEqualTo(1);
		assertThat(score("tiny-all-tokens", QUERY, List.of(passage), null, false)[0]).isCloseTo(
				sum(concat(new long[] { CLS }, q, new long[] { SEP }, kept, new long[] { SEP })), within(1e-5f));

		// max_tokens_per_doc cuts shorter still, never the query
		long[] four = Arrays.copyOf(p, 4);
		assertThat(model.pairs().encode(QUERY, List.of(passage), 4, true).pairs().get(0).ids())
			.containsExactly(concat(new long[] { CLS }, q, new long[] { SEP }, four, new long[] { SEP }));
		assertThat(score("tiny-raw", QUERY, List.of(passage), 4, false)[0])
			.isCloseTo(sum(concat(four, new long[] { SEP })), within(1e-5f));
		assertThat(model.pairs().encode(QUERY, List.of("short"), 4, true).truncated()).isZero();

		assertThatThrownBy(() -> model.score(QUERY, List.of("short", passage), TestProperties.options(null, false, false)))
			.isInstanceOf(DocumentTooLongException.class)
			.hasMessageContaining("document 1 has " + p.length + " tokens")
			.hasMessageContaining("room for " + room);
	}

	@Test
	void aQueryThatWouldCrowdOutThePassagesIsRefusedNeverTruncated() {
		CrossEncoder model = (CrossEncoder) models.get("tiny");
		assertThat(model.pairs().maxQueryTokens()).isEqualTo(MAX_LENGTH / 2 - 3);
		String longest = "one two three four five six seven eight nine ten eleven twelve thirteen";
		assertThat(tokens(longest)).hasSize(13);
		assertThat(model.score(longest, List.of("a passage"), TestProperties.options(null, true, false)).scores())
			.hasSize(1);
		assertThatThrownBy(() -> model.score(longest + " fourteen", List.of("a passage"),
				TestProperties.options(null, true, false)))
			.isInstanceOf(QueryTooLongException.class)
			.hasMessageContaining("the query has 14 tokens")
			.hasMessageContaining("at most 13")
			.hasMessageContaining("never truncated");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 40, 100_000 })
	void scoresDoNotDependOnTheBatchBudgetAndEachPairGetsItsOwn(int maxBatchTokens) throws Exception {
		Path modelDir = TinyCrossEncoder.write(dir.resolve("budget-" + maxBatchTokens), "tiny", MAX_LENGTH, "raw", 1);
		RerankModels budgeted = new RerankModels(TestProperties.of("tiny", List.of(), List.of(modelDir),
				maxBatchTokens), new SimpleMeterRegistry());
		try {
			// several requests at once, so that batches mix pairs of different requests
			List<Callable<float[]>> calls = new ArrayList<>();
			List<List<String>> requests = new ArrayList<>();
			for (int r = 0; r < 6; r++) {
				List<String> passages = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					passages.add("passage " + r + " " + "word ".repeat((i * 7 + r * 3) % 25) + i);
				}
				requests.add(passages);
				calls.add(() -> budgeted.get(null).score(QUERY, passages, TestProperties.options(null, true, false))
					.scores());
			}
			List<float[]> results = new ArrayList<>();
			try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
				for (Future<float[]> future : executor.invokeAll(calls)) {
					results.add(future.get());
				}
			}
			for (int r = 0; r < requests.size(); r++) {
				for (int i = 0; i < requests.get(r).size(); i++) {
					long[] p = tokens(requests.get(r).get(i));
					long[] kept = Arrays.copyOf(p, Math.min(p.length, MAX_LENGTH - 3 - tokens(QUERY).length));
					assertThat(results.get(r)[i]).as("request %d passage %d", r, i)
						.isCloseTo(sum(concat(kept, new long[] { SEP })), within(1e-5f));
				}
			}
		}
		finally {
			budgeted.destroy();
		}
	}

	@Test
	void badModelDirectoriesFailAtStartUpSayingWhy() throws Exception {
		Path wrongIndex = TinyCrossEncoder.write(dir.resolve("wrong-index"), "wrong", MAX_LENGTH, "sigmoid", 2);
		assertThatThrownBy(() -> load(wrongIndex, "wrong")).hasMessageContaining("outputIndex 2 is out of the output's 2");
		Path noDescriptor = TinyCrossEncoder.write(dir.resolve("no-descriptor"), "x", MAX_LENGTH, "sigmoid", 1);
		Files.delete(noDescriptor.resolve("rerank.json"));
		assertThatThrownBy(() -> load(noDescriptor, "x")).hasMessageContaining("rerank.json is missing");
		Path wrongOutput = TinyCrossEncoder.write(dir.resolve("wrong-output"), "y", MAX_LENGTH, "sigmoid", 1);
		Files.writeString(wrongOutput.resolve("rerank.json"), "{\"name\":\"y\",\"outputName\":\"scores\"}");
		assertThatThrownBy(() -> load(wrongOutput, "y")).hasMessageContaining("no output 'scores'")
			.hasMessageContaining("[logits]");
		Path wrongFunction = TinyCrossEncoder.write(dir.resolve("wrong-function"), "z", MAX_LENGTH, "softmax", 1);
		assertThatThrownBy(() -> load(wrongFunction, "z")).hasMessageContaining("use sigmoid or raw");
		Path ok = TinyCrossEncoder.write(dir.resolve("ok"), "ok", MAX_LENGTH, "sigmoid", 1);
		assertThatThrownBy(() -> load(ok, "not-loaded")).hasMessageContaining("default-model 'not-loaded'");
		assertThatThrownBy(() -> models.get("nope")).isInstanceOf(UnknownModelException.class)
			.hasMessageContaining("tiny, tiny-raw, tiny-all-tokens, tiny-no-types");
	}

	@Test
	void weightsInAnExternalDataFileAreFoundBesideTheModel() throws Exception {
		Path external = TinyCrossEncoder.writeWithExternalData(dir.resolve("external"), "external", MAX_LENGTH);
		assertThat(Files.size(external.resolve("model.onnx"))).isLessThan(4096);
		RerankModels loaded = load(external, "external");
		try {
			assertThat(loaded.get(null).score(QUERY, PASSAGES, TestProperties.options(null, true, false)).scores())
				.containsExactly(score("tiny-raw", QUERY, PASSAGES, null, false), within(1e-6f));
		}
		finally {
			loaded.destroy();
		}
	}

	@Test
	void theDirectoryNameIsTheDefaultNameAndSigmoidTheDefaultFunction() throws Exception {
		Path unnamed = TinyCrossEncoder.write(dir.resolve("ms-marco-like"), "ignored", MAX_LENGTH, "sigmoid", 1);
		Files.writeString(unnamed.resolve("rerank.json"), "{\"kind\":\"cross-encoder\",\"outputIndex\":1}");
		RerankModels loaded = load(unnamed, "ms-marco-like");
		try {
			ModelDescriptor descriptor = loaded.get(null).descriptor();
			assertThat(descriptor.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
			assertThat(descriptor.maxLength()).isEqualTo(512);
			assertThat(descriptor.scoreFunction()).isEqualTo(ScoreFunction.SIGMOID);
		}
		finally {
			loaded.destroy();
		}
	}

	private static RerankModels load(Path modelDir, String defaultModel) {
		return new RerankModels(TestProperties.of(defaultModel, List.of(), List.of(modelDir), 4096),
				new SimpleMeterRegistry());
	}

	private static float[] score(String model, String query, List<String> passages, Integer maxTokensPerDoc,
			boolean raw) {
		return models.get(model).score(query, passages, TestProperties.options(maxTokensPerDoc, true, raw)).scores();
	}

	static long[] tokens(String text) {
		return tokenizer.encode(text, false, false).getIds();
	}

	/** The tiny model's logit for these tokens: the sum of their weights. */
	static float sum(long[] ids) {
		float sum = 0;
		for (long id : ids) {
			sum += TinyCrossEncoder.weight(id);
		}
		return sum;
	}

	static long[] concat(long[]... parts) {
		return Arrays.stream(parts).flatMapToLong(LongStream::of).toArray();
	}

}
