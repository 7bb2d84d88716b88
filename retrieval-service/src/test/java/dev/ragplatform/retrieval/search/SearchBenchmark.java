package dev.ragplatform.retrieval.search;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.pgvector.PGvector;
import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.retrieval.RetrievalServiceApplication;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.testsupport.BenchOutput;
import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code ./rag bench search}: the retrieval service on a real PostgreSQL + pgvector, measured through its own
 * search code.
 * <ul>
 * <li>ANN: N clustered unit vectors (default 100,000 × 384) per storage type; for each {@code ef_search}, recall@10
 * against the exact scan and p50/p99 database time (the JDBC calls of one search), side by side with the exact
 * scan in the same run; a 1% metadata filter both ways; index build time and size.</li>
 * <li>{@code --quality}: SciFact (BEIR) indexed through Kafka with bge-small vectors from the real
 * embedding-service, then searched over HTTP in each mode: nDCG@10, Recall@100, MRR@10, beside Lucene BM25 and
 * PostgreSQL's ts_rank_cd on the same texts, and BM25 with Lucene's default parameters.</li>
 * </ul>
 */
public final class SearchBenchmark {

	static final JsonMapper JSON = JsonMapper.builder().build();

	public static void main(String[] args) throws Exception {
		// broker and client logs at WARN, so the figures stand out
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		Map<String, String> options = options(args);
		int chunks = Integer.parseInt(options.getOrDefault("chunks", "100000"));
		int dims = Integer.parseInt(options.getOrDefault("dims", "384"));
		int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
		List<Integer> efs = Arrays.stream(options.getOrDefault("ef", "40,64,100,200,400").split(","))
			.map(Integer::parseInt)
			.toList();
		List<String> storages = List.of(options.getOrDefault("storage", "vector,halfvec").split(","));
		boolean quality = options.containsKey("quality");
		boolean ann = !options.containsKey("skip-ann");
		Path datasets = Path.of(options.getOrDefault("datasets", "../shared/datasets"));

		PostgresDatabase db = RealInfrastructure.postgres(SearchBenchmark.class);
		String kafka = RealInfrastructure.kafka().bootstrapServers();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", db.jdbcUrl());
		properties.put("spring.datasource.username", db.username());
		properties.put("spring.datasource.password", db.password());
		properties.put("spring.kafka.bootstrap-servers", kafka);
		properties.put("spring.kafka.consumer.group-id", "bench-" + System.nanoTime());
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("logging.level.root", "WARN");
		properties.put("spring.main.banner-mode", "off");
		if (quality) {
			properties.put("rag.retrieval.embedding.url", EmbeddingServiceProcess.url().toString());
		}
		// as command-line arguments: they must win over application.yaml
		String[] arguments = properties.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RetrievalServiceApplication.class)
			.run(arguments)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Bench bench = new Bench(context, db, BenchOutput.start("search", String.format(Locale.ROOT,
					"PostgreSQL %s, pgvector %s", jdbc.queryForObject("SHOW server_version", String.class),
					jdbc.queryForObject("SELECT extversion FROM pg_extension WHERE extname = 'vector'", String.class)),
					args));
			if (ann) {
				for (String storage : storages) {
					bench.ann(storage, chunks, dims, queries, efs);
				}
			}
			if (quality) {
				bench.scifact(datasets.resolve("scifact"), Path.of(options.getOrDefault("cache", ".rag/cache")));
			}
			bench.out.finish();
		}
		System.exit(0);
	}

	static final class Bench {

		final ConfigurableApplicationContext context;

		final PostgresDatabase db;

		final JdbcTemplate jdbc;

		final HttpClient http = HttpClient.newHttpClient();

		final URI base;

		final BenchOutput out;

		Bench(ConfigurableApplicationContext context, PostgresDatabase db, BenchOutput out) {
			this.context = context;
			this.db = db;
			this.out = out;
			this.jdbc = context.getBean(JdbcTemplate.class);
			this.base = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
		}

		void ann(String storage, int n, int dims, int queryCount, List<Integer> efs) throws Exception {
			String name = "ann-" + storage;
			JsonNode created = post("/v1/collections", Map.of("name", name, "dimensions", dims, "storage", storage));
			Collection collection = this.context.getBean(CollectionService.class).get(name);
			String heading = String.format(Locale.ROOT, "ANN: %,d clustered unit vectors × %d (%s), HNSW m=%d "
					+ "ef_construction=%d, %d queries, top 10", n, dims, storage, collection.hnswM(),
					collection.hnswEfConstruction(), queryCount);
			if (!created.has("name")) {
				throw new IllegalStateException("create failed: " + created);
			}
			String index = "retrieval.chunks_" + collection.id() + "_hnsw";
			String indexDefinition = this.jdbc.queryForObject("SELECT pg_get_indexdef(?::regclass)", String.class, index);
			this.jdbc.execute("DROP INDEX " + index);
			Random random = new Random(7);
			float[][] centers = new float[Math.max(1, n / 100)][];
			for (int i = 0; i < centers.length; i++) {
				centers[i] = unit(gaussian(random, dims, 1));
			}
			long t = System.nanoTime();
			load(collection, n, dims, centers, random);
			double loadSeconds = (System.nanoTime() - t) / 1e9;
			t = System.nanoTime();
			try (Connection c = this.db.connect(); Statement s = c.createStatement()) {
				s.execute("SET maintenance_work_mem = '1GB'");
				s.execute("SET max_parallel_maintenance_workers = " + Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
				s.execute(indexDefinition);
				s.execute("ANALYZE " + collection.partition());
			}
			double buildSeconds = (System.nanoTime() - t) / 1e9;
			this.jdbc.update("UPDATE retrieval.collections SET chunk_count = ?, document_count = ? WHERE id = ?", n,
					(n + 99) / 100, collection.id());
			collection = this.context.getBean(CollectionService.class).get(name);
			long indexBytes = this.jdbc.queryForObject("SELECT pg_relation_size(?::regclass)", Long.class, index);
			long tableBytes = this.jdbc.queryForObject("SELECT pg_table_size(?::regclass)", Long.class,
					collection.partition());
			this.out.note("%s: loaded in %.1f s; HNSW built in %.1f s; index %,d MB, table %,d MB", storage,
					loadSeconds, buildSeconds, indexBytes >> 20, tableBytes >> 20);

			DenseSearch dense = this.context.getBean(DenseSearch.class);
			List<float[]> queries = new ArrayList<>();
			for (int i = 0; i < queryCount; i++) {
				queries.add(unit(add(centers[random.nextInt(centers.length)], gaussian(random, dims, SPREAD / Math.sqrt(dims)))));
			}
			// warm the buffers: one pass of each kind
			for (float[] q : queries) {
				dense.search(collection, q, null, 10, 100, false);
			}
			List<List<String>> truth = new ArrayList<>();
			double[] exactTimes = new double[queries.size()];
			for (int i = 0; i < queries.size(); i++) {
				long q0 = System.nanoTime();
				truth.add(keys(dense.search(collection, queries.get(i), null, 10, 40, true)));
				exactTimes[i] = (System.nanoTime() - q0) / 1e6;
			}
			double exactP50 = percentile(exactTimes, 50);
			BenchOutput.Table table = this.out.table(heading, "search", "recall@10", "p50 ms", "p99 ms",
					"p50 speed-up", "full top 10");
			table.row("exact scan", 1.0, exactP50, percentile(exactTimes, 99), 1.0, null);
			for (int ef : efs) {
				double[] times = new double[queries.size()];
				double recall = 0;
				for (int i = 0; i < queries.size(); i++) {
					long q0 = System.nanoTime();
					List<String> found = keys(dense.search(collection, queries.get(i), null, 10, ef, false));
					times[i] = (System.nanoTime() - q0) / 1e6;
					recall += overlap(found, truth.get(i)) / 10.0;
				}
				double p50 = percentile(times, 50);
				table.row("hnsw ef_search=" + ef, recall / queries.size(), p50, percentile(times, 99), exactP50 / p50,
						null);
			}
			// a filter that keeps 1% of the collection: the service's automatic choice, and forced HNSW
			String filter = MetadataFilter.compile(JSON.readTree("{\"bucket\": 42}"));
			List<List<String>> filteredTruth = new ArrayList<>();
			double[] autoTimes = new double[queries.size()];
			boolean autoExact = true;
			for (int i = 0; i < queries.size(); i++) {
				long q0 = System.nanoTime();
				DenseSearch.Result result = dense.search(collection, queries.get(i), filter, 10, 40, null);
				autoTimes[i] = (System.nanoTime() - q0) / 1e6;
				autoExact &= result.exact();
				filteredTruth.add(keys(result));
			}
			table.row("1% filter, automatic plan" + (autoExact ? " (exact scan)" : ""), autoExact ? 1.0 : null,
					percentile(autoTimes, 50), percentile(autoTimes, 99), null, null);
			double[] iterTimes = new double[queries.size()];
			double iterRecall = 0;
			int full = 0;
			for (int i = 0; i < queries.size(); i++) {
				long q0 = System.nanoTime();
				List<String> found = keys(dense.search(collection, queries.get(i), filter, 10, 100, false));
				iterTimes[i] = (System.nanoTime() - q0) / 1e6;
				iterRecall += overlap(found, filteredTruth.get(i)) / 10.0;
				full += (found.size() == 10) ? 1 : 0;
			}
			table.row("1% filter, forced HNSW iterative scan", iterRecall / queries.size(), percentile(iterTimes, 50),
					percentile(iterTimes, 99), null, full + "/" + queries.size());
		}

		private void load(Collection collection, int n, int dims, float[][] centers, Random random) throws Exception {
			String sql = "INSERT INTO " + collection.partition() + " (collection_id, document_id, chunk_index, version, "
					+ "text, start_offset, end_offset, metadata, " + collection.storage().column()
					+ ", tsv, token_count, content_hash) VALUES (?, ?, ?, 1, ?, 0, 10, ?::jsonb, "
					+ collection.vectorParameter() + ", to_tsvector('english', ?), 2, '\\x00')";
			String url = this.db.jdbcUrl() + (this.db.jdbcUrl().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
			try (Connection c = java.sql.DriverManager.getConnection(url, this.db.username(), this.db.password());
					PreparedStatement insert = c.prepareStatement(sql)) {
				c.setAutoCommit(false);
				for (int i = 0; i < n; i++) {
					float[] center = centers[i % centers.length];
					float[] v = unit(add(center, gaussian(random, dims, SPREAD / Math.sqrt(dims))));
					insert.setLong(1, collection.id());
					insert.setString(2, "d" + (i / 100));
					insert.setInt(3, i % 100);
					insert.setString(4, "chunk " + i);
					insert.setString(5, "{\"bucket\": " + random.nextInt(100) + "}"); // independent of the cluster
					insert.setObject(6, new PGvector(v));
					insert.setString(7, "chunk " + i);
					insert.addBatch();
					if (i % 1000 == 999) {
						insert.executeBatch();
						c.commit();
					}
				}
				insert.executeBatch();
				c.commit();
			}
		}

		void scifact(Path scifact, Path cache) throws Exception {
			if (!Files.isDirectory(scifact)) {
				throw new IllegalArgumentException("SciFact not found at " + scifact.toAbsolutePath()
						+ "; pass --datasets <dir> (see ../shared/datasets/README.md)");
			}
			Map<String, String> corpus = new LinkedHashMap<>();
			for (String line : Files.readAllLines(scifact.resolve("corpus.jsonl"))) {
				JsonNode doc = JSON.readTree(line);
				corpus.put(doc.get("_id").asString(), doc.get("title").asString() + " " + doc.get("text").asString());
			}
			Map<String, String> queryTexts = new HashMap<>();
			for (String line : Files.readAllLines(scifact.resolve("queries.jsonl"))) {
				JsonNode q = JSON.readTree(line);
				queryTexts.put(q.get("_id").asString(), q.get("text").asString());
			}
			Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
			List<String> lines = Files.readAllLines(scifact.resolve("qrels/test.tsv"));
			for (String line : lines.subList(1, lines.size())) {
				String[] f = line.split("\t");
				qrels.computeIfAbsent(f[0], (k) -> new HashMap<>()).put(f[1], Integer.parseInt(f[2]));
			}
			String heading = String.format(Locale.ROOT, "SciFact: %,d documents, %d test queries; bge-small-en-v1.5",
					corpus.size(), qrels.size());
			JsonNode created = post("/v1/collections", Map.of("name", "scifact"));
			if (!created.has("name")) {
				throw new IllegalStateException("create failed: " + created);
			}
			List<String> ids = new ArrayList<>(corpus.keySet());
			String task = this.context.getBean(CollectionService.class).get("scifact").defaultTask();
			List<float[]> vectors = documentVectors(new ArrayList<>(corpus.values()), task, cache);
			@SuppressWarnings("unchecked")
			KafkaTemplate<String, String> kafka = this.context.getBean(KafkaTemplate.class);
			long t = System.nanoTime();
			for (int i = 0; i < ids.size(); i++) {
				String text = corpus.get(ids.get(i));
				var chunk = new DocumentChunks.Chunk(0, text, 0, text.length(), Map.of("source", "scifact"),
						vectors.get(i));
				var event = new DocumentChunks("scifact", ids.get(i), 1, 0, 1, 1, "bge-small-en-v1.5", null, ids.get(i),
						List.of(chunk));
				kafka.send(Topics.CHUNKS, event.key(), JSON.writeValueAsString(event));
			}
			kafka.flush();
			while (this.context.getBean(CollectionService.class).get("scifact").chunkCount() < ids.size()) {
				Thread.sleep(200);
			}
			this.out.note("indexed %,d documents through Kafka in %.1f s (%.0f chunks/s)", ids.size(),
					(System.nanoTime() - t) / 1e9, ids.size() / ((System.nanoTime() - t) / 1e9));
			this.jdbc.execute("ANALYZE retrieval.chunks"); // as autovacuum soon would: steady-state plans
			Collection collection = this.context.getBean(CollectionService.class).get("scifact");

			Map<String, Map<String, List<String>>> runs = new LinkedHashMap<>();
			Map<String, double[]> latencies = new LinkedHashMap<>();
			for (String mode : List.of("dense", "lexical", "hybrid")) {
				Map<String, List<String>> run = new LinkedHashMap<>();
				double[] ms = new double[qrels.size()];
				int i = 0;
				for (String qid : qrels.keySet()) {
					long q0 = System.nanoTime();
					JsonNode response = post("/v1/search", Map.of("collection", "scifact", "query", queryTexts.get(qid),
							"mode", mode, "topK", 100));
					ms[i++] = (System.nanoTime() - q0) / 1e6;
					List<String> ranking = new ArrayList<>();
					response.path("results").forEach((r) -> ranking.add(r.path("documentId").asString()));
					run.put(qid, ranking);
				}
				runs.put("platform " + mode, run);
				latencies.put("platform " + mode, ms);
			}
			// peers on the same texts
			RetrievalProperties props = this.context.getBean(RetrievalProperties.class);
			LexicalSearch anserini = new LexicalSearch(this.jdbc, withBm25(props, 0.9, 0.4),
					this.context.getBean(LexicalIndex.class));
			runs.put("platform lexical, k1=0.9 b=0.4", lexicalRun(anserini, collection, qrels, queryTexts));
			this.out.note("collection task: %s; BM25 k1=%.1f b=%.2f", task, props.search().bm25K1(),
					props.search().bm25B());
			runs.put("PostgreSQL ts_rank_cd", tsRankCd(collection, qrels, queryTexts));
			for (double[] kb : new double[][] { { 0.9, 0.4 }, { 1.2, 0.75 } }) {
				runs.put(String.format(Locale.ROOT, "Lucene BM25 k1=%.1f b=%.2f", kb[0], kb[1]),
						lucene(corpus, qrels, queryTexts, (float) kb[0], (float) kb[1]));
			}
			Map<String, List<String>> rrfLucene = new LinkedHashMap<>();
			for (String qid : qrels.keySet()) {
				rrfLucene.put(qid, IrMetrics.rrf(List.of(runs.get("platform dense").get(qid),
						runs.get("Lucene BM25 k1=1.2 b=0.75").get(qid)), 60));
			}
			runs.put("RRF(platform dense, Lucene k1=1.2)", rrfLucene);

			BenchOutput.Table table = this.out.table(heading, "ranking", "nDCG@10", "Recall@100", "MRR@10",
					"p50 ms (HTTP)");
			for (var entry : runs.entrySet()) {
				double ndcg = 0;
				double recall = 0;
				double mrr = 0;
				for (String qid : qrels.keySet()) {
					List<String> ranking = entry.getValue().get(qid);
					ndcg += IrMetrics.ndcg(ranking, qrels.get(qid), 10);
					recall += IrMetrics.recall(ranking, qrels.get(qid), 100);
					mrr += IrMetrics.mrr(ranking, qrels.get(qid), 10);
				}
				int q = qrels.size();
				double[] ms = latencies.get(entry.getKey());
				table.row(entry.getKey(), ndcg / q, recall / q, mrr / q, (ms != null) ? percentile(ms, 50) : null);
			}
		}

		private Map<String, List<String>> lexicalRun(LexicalSearch lexical, Collection collection,
				Map<String, Map<String, Integer>> qrels, Map<String, String> queryTexts) {
			Map<String, List<String>> run = new LinkedHashMap<>();
			for (String qid : qrels.keySet()) {
				run.put(qid, lexical.searchInSql(collection, lexical.lexemes(collection, queryTexts.get(qid)), null, 100)
					.stream()
					.map(Candidate::documentId)
					.toList());
			}
			return run;
		}

		private Map<String, List<String>> tsRankCd(Collection collection, Map<String, Map<String, Integer>> qrels,
				Map<String, String> queryTexts) {
			Map<String, List<String>> run = new LinkedHashMap<>();
			for (String qid : qrels.keySet()) {
				run.put(qid, this.jdbc.queryForList("""
						WITH q AS (SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS tsq
						           FROM unnest(to_tsvector('english', ?)))
						SELECT document_id FROM %s c, q WHERE c.tsv @@ q.tsq
						ORDER BY ts_rank_cd(c.tsv, q.tsq, 1) DESC LIMIT 100""".formatted(collection.partition()),
						String.class, queryTexts.get(qid)));
			}
			return run;
		}

		private Map<String, List<String>> lucene(Map<String, String> corpus, Map<String, Map<String, Integer>> qrels,
				Map<String, String> queryTexts, float k1, float b) throws IOException {
			try (var directory = new ByteBuffersDirectory(); var analyzer = new EnglishAnalyzer()) {
				var config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity(k1, b));
				try (var writer = new IndexWriter(directory, config)) {
					for (var doc : corpus.entrySet()) {
						Document d = new Document();
						d.add(new StringField("id", doc.getKey(), Field.Store.YES));
						d.add(new TextField("text", doc.getValue(), Field.Store.NO));
						writer.addDocument(d);
					}
				}
				try (var reader = DirectoryReader.open(directory)) {
					IndexSearcher searcher = new IndexSearcher(reader);
					searcher.setSimilarity(new BM25Similarity(k1, b));
					QueryParser parser = new QueryParser("text", analyzer);
					Map<String, List<String>> run = new LinkedHashMap<>();
					for (String qid : qrels.keySet()) {
						var query = parser.parse(QueryParser.escape(queryTexts.get(qid)));
						List<String> ranking = new ArrayList<>();
						for (ScoreDoc hit : searcher.search(query, 100).scoreDocs) {
							ranking.add(searcher.storedFields().document(hit.doc).get("id"));
						}
						run.put(qid, ranking);
					}
					return run;
				}
				catch (org.apache.lucene.queryparser.classic.ParseException ex) {
					throw new IOException(ex);
				}
			}
		}

		/** Document vectors of the corpus from embedding-service, cached on disk by the texts' digest. */
		private List<float[]> documentVectors(List<String> texts, String task, Path cacheDir) throws Exception {
			var digest = java.security.MessageDigest.getInstance("SHA-256");
			texts.forEach((t) -> digest.update(t.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
			Path file = cacheDir.resolve("scifact-bge-small-en-v1.5-" + task + "-" + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16) + ".f32");
			if (Files.exists(file)) {
				try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
					int n = in.readInt();
					int d = in.readInt();
					List<float[]> vectors = new ArrayList<>(n);
					for (int i = 0; i < n; i++) {
						float[] v = new float[d];
						for (int j = 0; j < d; j++) {
							v[j] = in.readFloat();
						}
						vectors.add(v);
					}
					System.err.printf(Locale.ROOT, "document vectors from the cache %s%n", file);
					return vectors;
				}
			}
			long t = System.nanoTime();
			List<float[]> vectors = new ArrayList<>(texts.size());
			for (int i = 0; i < texts.size(); i += 32) {
				List<String> batch = texts.subList(i, Math.min(texts.size(), i + 32));
				Map<String, Object> request = new HashMap<>(
						Map.of("model", "bge-small-en-v1.5", "input_type", "document", "input", batch));
				if (!task.equals("none")) {
					request.put("task", task);
				}
				JsonNode response = postTo(EmbeddingServiceProcess.url(), "/v1/embeddings", request);
				for (JsonNode item : response.path("data")) {
					JsonNode e = item.path("embedding");
					float[] v = new float[e.size()];
					for (int j = 0; j < v.length; j++) {
						v[j] = e.get(j).floatValue();
					}
					vectors.add(v);
				}
				if (i % 1024 == 0) {
					System.err.printf(Locale.ROOT, "\rembedding the corpus: %,d / %,d", i, texts.size());
				}
			}
			System.err.printf(Locale.ROOT, "\rembedded %,d documents in %.0f s%n", texts.size(), (System.nanoTime() - t) / 1e9);
			Files.createDirectories(cacheDir);
			try (var out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
				out.writeInt(vectors.size());
				out.writeInt(vectors.get(0).length);
				for (float[] v : vectors) {
					for (float x : v) {
						out.writeFloat(x);
					}
				}
			}
			return vectors;
		}

		JsonNode post(String path, Object body) throws Exception {
			return postTo(this.base, path, body);
		}

		JsonNode postTo(URI base, String path, Object body) throws Exception {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(base.resolve(path))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() >= 300) {
				throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}

	}

	static RetrievalProperties withBm25(RetrievalProperties p, double k1, double b) {
		var s = p.search();
		return new RetrievalProperties(p.embedding(), p.rerank(), p.collections(),
				new RetrievalProperties.Search(s.defaultTopK(), s.maxTopK(), s.candidates(), s.efSearch(),
						s.exactScanThreshold(), s.maxScanTuples(), s.rrfK(), k1, b, s.maxQueryCharacters(),
						s.maxQueryTerms(), s.statementTimeout(), s.maxExactChunks()),
				p.index(), p.adapters(), p.lexical());
	}

	static List<String> keys(DenseSearch.Result result) {
		return result.candidates().stream().map(Candidate::key).toList();
	}

	static long overlap(List<String> a, List<String> b) {
		Set<String> set = new HashSet<>(b);
		return a.stream().filter(set::contains).count();
	}

	static double percentile(double[] values, int p) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	/**
	 * Length of a point's offset from its cluster centre (the centre has length 1): wide enough that clusters
	 * overlap, as real embeddings do (cosine similarity of neighbours 0.4–0.8 rather than 0.99).
	 */
	static final double SPREAD = 1.2;

	static float[] gaussian(Random random, int dims, double sigma) {
		float[] v = new float[dims];
		for (int i = 0; i < dims; i++) {
			v[i] = (float) (random.nextGaussian() * sigma);
		}
		return v;
	}

	static float[] add(float[] a, float[] b) {
		float[] v = new float[a.length];
		for (int i = 0; i < a.length; i++) {
			v[i] = a[i] + b[i];
		}
		return v;
	}

	static float[] unit(float[] v) {
		double norm = 0;
		for (float x : v) {
			norm += x * x;
		}
		float scale = (float) (1 / Math.sqrt(norm));
		for (int i = 0; i < v.length; i++) {
			v[i] *= scale;
		}
		return v;
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument " + args[i]);
			}
			String key = args[i].substring(2);
			if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
				options.put(key, args[++i]);
			}
			else {
				options.put(key, "true");
			}
		}
		return options;
	}

	private SearchBenchmark() {
	}


}
