package dev.ragplatform.rerank.model;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.ragplatform.rerank.config.RerankProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Late interaction on the real bundled bge-small (fp32 and int8): ranking sense, and MaxSim exactly as documented. */
class LateInteractionTests {

	static final String FP32 = "bge-small-en-v1.5-maxsim";

	static final String INT8 = "bge-small-en-v1.5-int8-maxsim";

	static final List<String> QUERIES = List.of("What causes rust on iron?",
			"How do vaccines train the immune system?", "Which planet is closest to the sun?",
			"How to sort a list in Java with a comparator");

	/** The relevant passage of query i is passage i; the last two are relevant to none. */
	static final List<String> PASSAGES = List.of(
			"Iron oxide, commonly called rust, forms when iron reacts with oxygen and moisture over time.",
			"Vaccines expose the immune system to a harmless piece of a pathogen so that it learns to recognise the "
					+ "real one and respond faster.",
			"Mercury is the smallest planet of the Solar System and the one nearest to the Sun, completing an orbit "
					+ "every 88 days.",
			"java.util.List#sort(Comparator) sorts this list according to the order induced by the specified comparator.",
			"The Eiffel Tower was completed in 1889 as the entrance arch to the World's Fair in Paris.",
			"Bananas are rich in potassium and are one of the most popular fruits worldwide.");

	static RerankModels models;

	/** fp32 with neither instruction nor averaging. */
	static RerankModels plain;

	static HuggingFaceTokenizer tokenizer;

	static OrtSession bge;

	@BeforeAll
	static void load() throws Exception {
		models = new RerankModels(TestProperties.of(FP32, List.of(FP32, INT8), List.of(), 512),
				new SimpleMeterRegistry());
		plain = new RerankModels(TestProperties.of(FP32, List.of(FP32), List.of(), 512,
				new RerankProperties.LateInteraction("", false)), new SimpleMeterRegistry());
		ClassLoader loader = LateInteractionTests.class.getClassLoader();
		try (InputStream json = loader.getResourceAsStream("bge-small-en-v1.5-tokenizer.json");
				InputStream onnx = loader.getResourceAsStream("bge-small-en-v1.5.onnx")) {
			tokenizer = Tokenizers.load(json);
			bge = OrtEnvironment.getEnvironment().createSession(onnx.readAllBytes(), new OrtSession.SessionOptions());
		}
	}

	@AfterAll
	static void close() throws Exception {
		models.destroy();
		plain.destroy();
		tokenizer.close();
		bge.close();
	}

	@Test
	void theRelevantPassageOutranksUnrelatedOnes() {
		for (RerankModels loaded : List.of(models, plain)) {
			for (String name : (loaded == models) ? List.of(FP32, INT8) : List.of(FP32)) {
				for (int q = 0; q < QUERIES.size(); q++) {
					float[] scores = loaded.get(name).score(QUERIES.get(q), PASSAGES, options(null, true)).scores();
					int best = 0;
					for (int i = 1; i < scores.length; i++) {
						best = (scores[i] > scores[best]) ? i : best;
					}
					assertThat(best).as("%s, query %d, scores %s", name, q, Arrays.toString(scores)).isEqualTo(q);
				}
			}
		}
	}

	@Test
	void maxSimIsTheMeanOverQueryTokensOfTheBestCosineWithAPassageToken() throws Exception {
		float[] ours = models.get(FP32).score(QUERIES.get(0), PASSAGES, options(null, true)).scores();
		float[] bare = plain.get(FP32).score(QUERIES.get(0), PASSAGES, options(null, true)).scores();
		for (int i = 0; i < PASSAGES.size(); i++) {
			assertThat(ours[i]).as("passage %d", i)
				.isCloseTo(direct(TestProperties.BGE_QUERY_INSTRUCTION, QUERIES.get(0), PASSAGES.get(i), null, true),
						within(1e-4f));
			assertThat(bare[i]).as("passage %d", i)
				.isCloseTo(direct("", QUERIES.get(0), PASSAGES.get(i), null, false), within(1e-3f));
		}
		for (float score : ours) {
			assertThat(score).isBetween(-1f, 1f);
		}
	}

	@Test
	void passagesAreCutToMaxTokensPerDocTheQueryNever() throws Exception {
		Scores scores = models.get(FP32).score(QUERIES.get(1), PASSAGES, options(5, true));
		assertThat(scores.truncated()).isEqualTo(PASSAGES.size());
		for (int i = 0; i < PASSAGES.size(); i++) {
			assertThat(scores.scores()[i]).as("passage %d", i)
				.isCloseTo(direct(TestProperties.BGE_QUERY_INSTRUCTION, QUERIES.get(1), PASSAGES.get(i), 5, true),
						within(1e-4f));
		}
		String tooLong = "word ".repeat(520);
		assertThatThrownBy(() -> models.get(FP32).score(QUERIES.get(1), List.of("ok", tooLong), options(null, false)))
			.isInstanceOf(DocumentTooLongException.class)
			.hasMessageContaining("document 1 has 520 tokens")
			.hasMessageContaining("room for 510");
		assertThat(models.get(FP32).score(QUERIES.get(1), List.of(tooLong), options(null, true)).truncated())
			.isEqualTo(1);
		assertThatThrownBy(() -> models.get(FP32).score(tooLong, List.of("ok"), options(null, true)))
			.isInstanceOf(QueryTooLongException.class)
			.hasMessageContaining("takes at most 512");
	}

	@Test
	void scoresDoNotDependOnWhatElseIsInTheBatch() {
		float[] together = models.get(FP32).score(QUERIES.get(2), PASSAGES, options(null, true)).scores();
		for (int i = 0; i < PASSAGES.size(); i++) {
			float alone = models.get(FP32).score(QUERIES.get(2), List.of(PASSAGES.get(i)), options(null, true))
				.scores()[0];
			assertThat(together[i]).as("passage %d", i).isCloseTo(alone, within(1e-4f));
		}
	}

	@Test
	void theQueryInstructionGivesContextButIsNotScored() {
		LateInteractionReranker reranker = (LateInteractionReranker) models.get(FP32);
		LateInteractionReranker.Item query = reranker.encodeQuery("rust");
		long[] ids = query.sequence().ids();
		// [CLS] represent this sentence for searching relevant passages : rust [SEP]
		assertThat(ids[0]).isEqualTo(101);
		assertThat(ids[ids.length - 1]).isEqualTo(102);
		assertThat(query.scored()).containsExactly(concat(true, new boolean[ids.length - 3], true, false));
	}

	/**
	 * The documented score computed the plain way: one ONNX run per text (no batching, no padding), the query's
	 * tokens found by counting the query's own tokens before [SEP], [CLS] kept and [SEP] dropped on both sides.
	 */
	static float direct(String instruction, String query, String passage, Integer maxPassageTokens, boolean average)
			throws Exception {
		long[] q = tokenizer.encode(instruction + query).getIds();
		int queryOnly = tokenizer.encode(query, false, false).getIds().length;
		float[][] qv = hidden(q);
		List<float[]> queryVectors = new ArrayList<>();
		queryVectors.add(unit(qv[0]));
		for (int t = q.length - 1 - queryOnly; t < q.length - 1; t++) {
			queryVectors.add(unit(qv[t]));
		}
		long[] p = tokenizer.encode(passage).getIds();
		if (maxPassageTokens != null && p.length - 2 > maxPassageTokens) {
			long[] cut = Arrays.copyOf(p, maxPassageTokens + 2);
			cut[cut.length - 1] = 102;
			p = cut;
		}
		float[][] pv = hidden(p);
		double sum = 0;
		for (float[] qt : queryVectors) {
			double best = Double.NEGATIVE_INFINITY;
			for (int t = 0; t < p.length - 1; t++) {
				float[] pt = unit(pv[t]);
				double dot = 0;
				for (int d = 0; d < qt.length; d++) {
					dot += qt[d] * pt[d];
				}
				best = Math.max(best, dot);
			}
			sum += best;
		}
		return (float) (average ? sum / queryVectors.size() : sum);
	}

	private static float[][] hidden(long[] ids) throws Exception {
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		long[] shape = { 1, ids.length };
		long[] ones = new long[ids.length];
		Arrays.fill(ones, 1);
		try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
				OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
				OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
				OrtSession.Result result = bge
					.run(Map.of("input_ids", input, "attention_mask", mask, "token_type_ids", types))) {
			FloatBuffer out = ((OnnxTensor) result.get("last_hidden_state").orElseThrow()).getFloatBuffer();
			float[][] vectors = new float[ids.length][384];
			for (int t = 0; t < ids.length; t++) {
				out.get(t * 384, vectors[t], 0, 384);
			}
			return vectors;
		}
	}

	private static float[] unit(float[] v) {
		double norm = 0;
		for (float x : v) {
			norm += (double) x * x;
		}
		float[] u = new float[v.length];
		for (int d = 0; d < v.length; d++) {
			u[d] = (float) (v[d] / Math.sqrt(norm));
		}
		return u;
	}

	private static RerankOptions options(Integer maxTokensPerDoc, boolean truncate) {
		return TestProperties.options(maxTokensPerDoc, truncate, false);
	}

	private static boolean[] concat(boolean first, boolean[] middle, boolean last, boolean end) {
		boolean[] all = new boolean[middle.length + 3];
		all[0] = first;
		all[all.length - 2] = last;
		all[all.length - 1] = end;
		return all;
	}

}
