package dev.ragplatform.embedding.lateinteraction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import dev.ragplatform.embedding.EmbeddingServiceApplication;
import dev.ragplatform.embedding.model.Embedded;
import dev.ragplatform.embedding.model.EmbeddingModels;
import dev.ragplatform.embedding.model.EmbeddingModels.LoadedModel;
import dev.ragplatform.embedding.model.Sequence;
import dev.ragplatform.embedding.model.Vectors;
import dev.ragplatform.runtime.lateinteraction.MaxSim;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Which stored form of the token vectors keeps late interaction's ranking (docs/experiments/late-interaction-storage.md):
 * SciFact's corpus encoded in process, once by the fp32 and once by the int8 model, the token vectors of each
 * abstract (cut to one 480-token chunk) kept from the same pass as its pooled vector; the first 100 by dense
 * similarity of each query reranked by MaxSim over each encoding. Prints nDCG@10 on the train split (the
 * development set defaults are chosen on) and the test split, bytes per token, and MaxSim time per query.
 * <p>
 * Run: {@code java -Xmx12g -cp … dev.ragplatform.embedding.lateinteraction.TokenStorageExperiment [datasets dir]}.
 */
public final class TokenStorageExperiment {

	private static final String QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

	private static final int CANDIDATES = 100;

	private static final int CHUNK_TOKENS = 480;

	private TokenStorageExperiment() {
	}

	public static void main(String[] args) throws Exception {
		Path scifact = Path.of((args.length > 0) ? args[0] : "../shared/datasets").resolve("scifact");
		JsonMapper json = JsonMapper.shared();
		List<String> ids = new ArrayList<>();
		List<String> bodies = new ArrayList<>();
		for (String line : Files.readAllLines(scifact.resolve("corpus.jsonl"))) {
			JsonNode doc = json.readTree(line);
			String body = doc.path("text").asString("");
			if (!body.isBlank()) {
				ids.add(doc.path("_id").asString());
				bodies.add(body);
			}
		}
		Map<String, String> queryText = new HashMap<>();
		for (String line : Files.readAllLines(scifact.resolve("queries.jsonl"))) {
			JsonNode q = json.readTree(line);
			queryText.put(q.path("_id").asString(), q.path("text").asString());
		}
		ConfigurableApplicationContext app = SpringApplication.run(EmbeddingServiceApplication.class,
				"--server.port=0", "--logging.level.root=warn", "--spring.main.banner-mode=off");
		try {
			EmbeddingModels models = app.getBean(EmbeddingModels.class);
			LoadedModel fp32 = models.get("bge-small-en-v1.5");
			Corpus corpusFp32 = encodeCorpus(fp32, bodies);
			Corpus corpusInt8 = encodeCorpus(models.get("bge-small-en-v1.5-int8"), bodies);
			float[] mean = meanToken(corpusFp32);
			for (String split : List.of("train", "test")) {
				Map<String, Map<String, Integer>> qrels = qrels(scifact.resolve("qrels/" + split + ".tsv"));
				List<String> queryIds = new ArrayList<>(qrels.keySet());
				List<String> texts = queryIds.stream().map((id) -> QUERY_INSTRUCTION + queryText.get(id)).toList();
				List<Embedded> queries = new ArrayList<>();
				List<Sequence> sequences = fp32.tokenizer().encode(texts, true, QUERY_INSTRUCTION.length());
				for (int i = 0; i < sequences.size(); i += 32) {
					queries.addAll(fp32.encoder().run(sequences.subList(i, Math.min(sequences.size(), i + 32))));
				}
				Map<String, List<Double>> ndcg = new LinkedHashMap<>();
				Map<String, Long> nanos = new LinkedHashMap<>();
				for (int qi = 0; qi < queries.size(); qi++) {
					Embedded query = queries.get(qi);
					float[] qv = query.vector().clone();
					Vectors.normalize(qv);
					Map<String, Integer> judged = qrels.get(queryIds.get(qi));
					MaxSim maxSim = new MaxSim(query.tokens());
					for (Corpus corpus : List.of(corpusFp32, corpusInt8)) {
						int[] candidates = dense(corpus, qv);
						add(ndcg, corpus.name + " dense", ids, candidates, judged);
						for (TokenEncoding encoding : TokenEncoding.values()) {
							String name = corpus.name + " docs, maxsim " + encoding.id();
							long t0 = System.nanoTime();
							float[] scores = new float[candidates.length];
							for (int c = 0; c < candidates.length; c++) {
								scores[c] = maxSim.score(encoding, encoding.encode(corpus.tokens[candidates[c]]));
							}
							nanos.merge(name, System.nanoTime() - t0, Long::sum);
							add(ndcg, name, ids, reorder(candidates, scores), judged);
						}
						if (corpus == corpusFp32) {
							float[] scores = new float[candidates.length];
							for (int c = 0; c < candidates.length; c++) {
								scores[c] = maxSim.score(TokenEncoding.BINARY,
										TokenEncoding.BINARY.encode(centred(corpus.tokens[candidates[c]], mean)));
							}
							add(ndcg, corpus.name + " docs, maxsim binary of (token - corpus mean)", ids,
									reorder(candidates, scores), judged);
						}
					}
				}
				System.out.printf(Locale.ROOT, "%n== SciFact %s split, %d queries, rerank of the first %d by dense%n",
						split, queries.size(), CANDIDATES);
				ndcg.forEach((name, values) -> System.out.printf(Locale.ROOT, "%-55s nDCG@10 %.4f%s%n", name,
						values.stream().mapToDouble(Double::doubleValue).average().orElse(0),
						nanos.containsKey(name) ? String.format(Locale.ROOT, "   (encode+score %.1f ms/query)",
								nanos.get(name) / 1e6 / queries.size()) : ""));
			}
			long tokens = 0;
			for (float[][] t : corpusFp32.tokens) {
				tokens += t.length;
			}
			System.out.printf(Locale.ROOT, "%nkept tokens per abstract: %.1f; bytes per token at 384 dims: float32 %d, "
					+ "int8 %d, binary %d%n", (double) tokens / bodies.size(), TokenEncoding.FLOAT32.bytesPerToken(384),
					TokenEncoding.INT8.bytesPerToken(384), TokenEncoding.BINARY.bytesPerToken(384));
		}
		finally {
			app.close();
		}
	}

	record Corpus(String name, float[][] vectors, float[][][] tokens) {
	}

	private static Corpus encodeCorpus(LoadedModel model, List<String> bodies) {
		long t0 = System.nanoTime();
		List<Sequence> sequences = model.tokenizer().encode(bodies, true, 0);
		List<Sequence> cut = sequences.stream().map(TokenStorageExperiment::toChunk).toList();
		Integer[] order = IntStream.range(0, cut.size()).boxed().toArray(Integer[]::new);
		java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> cut.get(i).ids().length));
		float[][] vectors = new float[cut.size()][];
		float[][][] tokens = new float[cut.size()][][];
		List<Integer> batch = new ArrayList<>();
		int longest = 0;
		for (int k = 0; k <= order.length; k++) {
			int len = (k < order.length) ? cut.get(order[k]).ids().length : 0;
			if (k == order.length || (!batch.isEmpty() && Math.max(longest, len) * (batch.size() + 1) > 512)) {
				List<Embedded> out = model.encoder().run(batch.stream().map(cut::get).toList());
				for (int b = 0; b < batch.size(); b++) {
					float[] v = out.get(b).vector();
					Vectors.normalize(v);
					vectors[batch.get(b)] = v;
					tokens[batch.get(b)] = out.get(b).tokens();
				}
				batch.clear();
				longest = 0;
			}
			if (k < order.length) {
				batch.add(order[k]);
				longest = Math.max(longest, len);
			}
		}
		System.out.printf(Locale.ROOT, "encoded %d abstracts with %s in %.0f s%n", cut.size(), model.descriptor().name(),
				(System.nanoTime() - t0) / 1e9);
		return new Corpus(model.descriptor().dtype(), vectors, tokens);
	}

	/** As ingest chunks it: at most {@value #CHUNK_TOKENS} tokens of text between [CLS] and [SEP]. */
	private static Sequence toChunk(Sequence s) {
		int max = CHUNK_TOKENS + 2;
		if (s.ids().length <= max) {
			return s;
		}
		long[] ids = java.util.Arrays.copyOf(s.ids(), max);
		boolean[] kept = java.util.Arrays.copyOf(s.kept(), max);
		ids[max - 1] = s.ids()[s.ids().length - 1];
		kept[max - 1] = false;
		return new Sequence(ids, kept);
	}

	private static float[] meanToken(Corpus corpus) {
		float[] mean = new float[corpus.tokens[0][0].length];
		long n = 0;
		for (float[][] doc : corpus.tokens) {
			for (float[] t : doc) {
				for (int d = 0; d < mean.length; d++) {
					mean[d] += t[d];
				}
				n++;
			}
		}
		for (int d = 0; d < mean.length; d++) {
			mean[d] /= n;
		}
		return mean;
	}

	private static float[][] centred(float[][] tokens, float[] mean) {
		float[][] out = new float[tokens.length][mean.length];
		for (int t = 0; t < tokens.length; t++) {
			for (int d = 0; d < mean.length; d++) {
				out[t][d] = tokens[t][d] - mean[d];
			}
		}
		return out;
	}

	private static int[] dense(Corpus corpus, float[] query) {
		float[] scores = new float[corpus.vectors.length];
		for (int i = 0; i < scores.length; i++) {
			float dot = 0;
			float[] v = corpus.vectors[i];
			for (int d = 0; d < v.length; d++) {
				dot += v[d] * query[d];
			}
			scores[i] = dot;
		}
		return IntStream.range(0, scores.length).boxed().sorted((a, b) -> Float.compare(scores[b], scores[a]))
			.limit(CANDIDATES).mapToInt(Integer::intValue).toArray();
	}

	private static int[] reorder(int[] candidates, float[] scores) {
		return IntStream.range(0, candidates.length).boxed().sorted((a, b) -> Float.compare(scores[b], scores[a]))
			.mapToInt((i) -> candidates[i]).toArray();
	}

	private static void add(Map<String, List<Double>> ndcg, String name, List<String> ids, int[] ranking,
			Map<String, Integer> judged) {
		double dcg = 0;
		for (int r = 0; r < Math.min(10, ranking.length); r++) {
			int gain = judged.getOrDefault(ids.get(ranking[r]), 0);
			dcg += (Math.pow(2, gain) - 1) / (Math.log(r + 2) / Math.log(2));
		}
		List<Integer> ideal = judged.values().stream().sorted(Comparator.reverseOrder()).toList();
		double idcg = 0;
		for (int r = 0; r < Math.min(10, ideal.size()); r++) {
			idcg += (Math.pow(2, ideal.get(r)) - 1) / (Math.log(r + 2) / Math.log(2));
		}
		ndcg.computeIfAbsent(name, (k) -> new ArrayList<>()).add((idcg > 0) ? dcg / idcg : 0);
	}

	private static Map<String, Map<String, Integer>> qrels(Path file) throws java.io.IOException {
		Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			String[] f = line.split("\t");
			if (f.length < 3 || f[0].equals("query-id")) {
				continue;
			}
			qrels.computeIfAbsent(f[0], (k) -> new HashMap<>()).put(f[1], Integer.parseInt(f[2].trim()));
		}
		return qrels;
	}

}
