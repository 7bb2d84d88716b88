package dev.ragplatform.retrieval.search;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.ragplatform.retrieval.RetrievalServiceApplication;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.testsupport.BenchOutput;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code ./rag bench lexical}: the lexical index ({@link LexicalIndex}, exact BM25 with block-max WAND in Lucene)
 * against the BM25 computed in SQL, in the same run, on the same chunks of a real PostgreSQL:
 * <ul>
 * <li>SciFact abstracts with its test queries (nDCG@10), the FIRE 2017 prior cases in chunks of 300 words with its
 * citation contexts (MAP of the contexts fused per case, as {@code ./rag eval fire2017} fuses them), and JDK javadoc
 * (java.base, from the JDK's src.zip) with BIKER's test questions (SR@5);</li>
 * <li>a synthetic corpus of N chunks (default 1,000,000) of Zipf-distributed words with log-normal lengths, with
 * short (1–8 words) and long (49 words) queries.</li>
 * </ul>
 * For each: index build time and rate, size on disk, the catch-up rate after new chunks, p50/p99 of a search
 * (lexemes by PostgreSQL, the ranking, the chunks' rows) by engine and query length, and how many queries rank the
 * same top 100 up to ties. Chunks are loaded with COPY and SQL, without embeddings (lexical search needs none).
 */
public final class LexicalBenchmark {

	static final JsonMapper JSON = JsonMapper.builder().build();

	public static void main(String[] args) {
		try {
			run(args);
		}
		catch (Throwable ex) {
			// the application context's threads would keep a failed run alive
			ex.printStackTrace();
			System.exit(1);
		}
		System.exit(0);
	}

	static void run(String[] args) throws Exception {
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--")) {
				boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
				options.put(args[i].substring(2), flag ? "true" : args[++i]);
			}
		}
		Path datasets = Path.of(options.getOrDefault("datasets", "../shared/datasets"));
		List<String> sets = List.of(options.getOrDefault("sets", "scifact,fire,biker,synthetic").split(","));
		PostgresDatabase db = RealInfrastructure.postgres(LexicalBenchmark.class);
		String kafka = RealInfrastructure.kafka().bootstrapServers();
		Path indexes = Files.createTempDirectory("bench-lexical-");
		String[] arguments = { "--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.username(),
				"--spring.datasource.password=" + db.password(), "--spring.kafka.bootstrap-servers=" + kafka,
				"--spring.kafka.listener.auto-startup=false", "--server.port=0", "--server.address=127.0.0.1",
				"--logging.level.root=WARN", "--spring.main.banner-mode=off",
				// the bench decides when the index builds and catches up
				"--rag.retrieval.lexical.poll-interval=1h", "--rag.retrieval.lexical.directory=" + indexes,
				// the SQL BM25 of a long query over a million chunks runs for minutes
				"--rag.retrieval.search.statement-timeout=1800s" };
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RetrievalServiceApplication.class)
			.run(arguments)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Bench bench = new Bench(context, db, BenchOutput.start("lexical", String.format(Locale.ROOT,
					"PostgreSQL %s, Lucene %s, %d cores", jdbc.queryForObject("SHOW server_version", String.class),
					org.apache.lucene.util.Version.LATEST, Runtime.getRuntime().availableProcessors()), args), options);
			for (String set : sets) {
				switch (set) {
					case "scifact" -> bench.scifact(datasets.resolve("scifact"));
					case "fire" -> bench.fire(datasets.resolve("fire2017-precedent"));
					case "biker" -> bench.biker(datasets.resolve("biker"));
					case "synthetic" -> bench.synthetic();
					default -> throw new IllegalArgumentException("unknown set " + set);
				}
			}
			bench.out.finish();
		}
	}

	/** A query, with what it is judged against (a ranking of documents scored by {@code judge}), if anything. */
	record Query(String id, String text) {
	}

	static final class Bench {

		final ConfigurableApplicationContext context;

		final PostgresDatabase db;

		final JdbcTemplate jdbc;

		final BenchOutput out;

		final Map<String, String> options;

		final LexicalSearch lexical;

		final LexicalIndex index;

		final CollectionService collections;

		Bench(ConfigurableApplicationContext context, PostgresDatabase db, BenchOutput out, Map<String, String> options) {
			this.context = context;
			this.db = db;
			this.out = out;
			this.options = options;
			this.jdbc = context.getBean(JdbcTemplate.class);
			this.lexical = context.getBean(LexicalSearch.class);
			this.index = context.getBean(LexicalIndex.class);
			this.collections = context.getBean(CollectionService.class);
		}

		int option(String name, int otherwise) {
			return Integer.parseInt(this.options.getOrDefault(name, Integer.toString(otherwise)));
		}

		// ---- the sets ----

		void scifact(Path dir) throws Exception {
			Map<String, String> corpus = new LinkedHashMap<>();
			for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
				JsonNode doc = JSON.readTree(line);
				corpus.put(doc.get("_id").asString(), doc.get("title").asString() + " " + doc.get("text").asString());
			}
			Map<String, String> texts = new HashMap<>();
			for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
				JsonNode q = JSON.readTree(line);
				texts.put(q.get("_id").asString(), q.get("text").asString());
			}
			Map<String, Map<String, Integer>> qrels = qrels(dir.resolve("qrels/test.tsv"), "\t", 0, 1, 2, true);
			List<Query> queries = qrels.keySet().stream().map((id) -> new Query(id, texts.get(id))).toList();
			Collection collection = load("lex-scifact", (sink) -> corpus.forEach((id, text) -> sink.accept(new String[] { id, "0", text })),
					corpus.size() / 20);
			Judge ndcg = (runs) -> {
				double sum = 0;
				for (Query q : queries) {
					List<String> ranking = runs.get(q.id());
					if (ranking != null) {
						sum += IrMetrics.ndcg(documents(ranking), qrels.get(q.id()), 10);
					}
				}
				return sum / queries.size();
			};
			compare("SciFact: " + corpus.size() + " abstracts, " + queries.size() + " test queries", collection, queries,
					queries, "nDCG@10", ndcg);
		}

		void fire(Path dir) throws Exception {
			List<String[]> chunks = new ArrayList<>();
			try (var files = Files.list(dir.resolve("Prior_Cases"))) {
				for (Path file : files.sorted().toList()) {
					String id = file.getFileName().toString().replace(".txt", "");
					String[] words = Files.readString(file, StandardCharsets.ISO_8859_1).trim().split("\\s+");
					// about ingest-service's chunks of 480 model tokens: 300 words, 40 repeated
					int c = 0;
					for (int start = 0; start < words.length; start += 260) {
						chunks.add(new String[] { id, Integer.toString(c++),
								String.join(" ", Arrays.copyOfRange(words, start, Math.min(words.length, start + 300))) });
						if (start + 300 >= words.length) {
							break;
						}
					}
				}
			}
			Map<String, Map<String, Integer>> qrels = qrels(dir.resolve("irled-qrel.txt"), " ", 0, 2, 3, false);
			Map<String, List<String>> contexts = new LinkedHashMap<>();
			try (var files = Files.list(dir.resolve("Current_Cases"))) {
				for (Path file : files.sorted().toList()) {
					String id = file.getFileName().toString().replace(".txt", "");
					if (qrels.containsKey(id)) {
						contexts.put(id, citationContexts(Files.readString(file, StandardCharsets.ISO_8859_1)));
					}
				}
			}
			List<Query> all = new ArrayList<>();
			List<Query> sampled = new ArrayList<>();
			int cases = option("fire-oracle-cases", 15);
			int n = 0;
			for (var e : contexts.entrySet()) {
				for (int i = 0; i < e.getValue().size(); i++) {
					Query q = new Query(e.getKey() + "#" + i, e.getValue().get(i));
					all.add(q);
					if (n < cases) {
						sampled.add(q);
					}
				}
				n++;
			}
			Collection collection = load("lex-fire", (sink) -> chunks.forEach(sink), chunks.size() / 20);
			Judge map = (runs) -> {
				// per case: its contexts' document rankings fused by reciprocal rank (k 60), then average precision
				Map<String, List<List<String>>> byCase = new LinkedHashMap<>();
				runs.forEach((qid, ranking) -> byCase.computeIfAbsent(qid.substring(0, qid.indexOf('#')), (k) -> new ArrayList<>())
					.add(documents(ranking)));
				double sum = 0;
				for (var e : byCase.entrySet()) {
					sum += averagePrecision(IrMetrics.rrf(e.getValue(), 60), qrels.get(e.getKey()));
				}
				return byCase.isEmpty() ? 0 : sum / byCase.size();
			};
			compare("FIRE 2017: " + chunks.size() + " chunks of 2,000 prior cases; " + all.size() + " citation contexts of "
					+ contexts.size() + " cases (SQL: the " + sampled.size() + " contexts of the first " + cases + " cases)",
					collection, all, sampled, "MAP (contexts fused per case)", map);
			termSelection(collection, all, map);
		}

		/**
		 * rag.retrieval.lexical.keep-rarest-terms measured: each context searched for its k rarest lexemes only (the
		 * ranking alone, without the chunks' rows), beside all of them.
		 */
		void termSelection(Collection collection, List<Query> queries, Judge judge) {
			BenchOutput.Table table = this.out.table("FIRE 2017 contexts: keeping the k rarest lexemes of each (ranking "
					+ "only)", "k", "MAP (contexts fused per case)", "p50 ms", "p99 ms");
			Map<String, List<String>> lexemes = new HashMap<>();
			for (Query q : queries) {
				lexemes.put(q.id(), this.lexical.lexemes(collection, q.text()));
			}
			for (String k : this.options.getOrDefault("keep-rarest", "0,10,20,30").split(",")) {
				int keep = Integer.parseInt(k);
				Map<String, List<String>> runs = new LinkedHashMap<>();
				List<Double> ms = new ArrayList<>();
				for (Query q : queries) {
					long t = System.nanoTime();
					List<LexicalIndex.Hit> found = this.index.search(collection, lexemes.get(q.id()), null, 100, false, keep,
							java.time.Duration.ofMinutes(5));
					ms.add((System.nanoTime() - t) / 1e6);
					runs.put(q.id(), found.stream().map((h) -> h.documentId() + "#" + h.chunkIndex()).toList());
				}
				table.row((keep == 0) ? "all" : k, judge.score(runs), percentile(ms, 50), percentile(ms, 99));
			}
		}

		void biker(Path dir) throws Exception {
			List<String[]> docs = javadoc(Path.of(this.options.getOrDefault("jdk-src",
					Path.of(System.getProperty("java.home"), "lib", "src.zip").toString())));
			Map<String, Map<String, Integer>> answers = new LinkedHashMap<>();
			List<Query> queries = new ArrayList<>();
			List<String> lines = Files.readAllLines(dir.resolve("biker-test.csv"));
			Pattern row = Pattern.compile("^(\\d+),(\"(?:[^\"]|\"\")*\"|[^,]*),(.*)$");
			for (String line : lines.subList(1, lines.size())) {
				Matcher m = row.matcher(line);
				if (!m.matches()) {
					continue;
				}
				String title = m.group(2).startsWith("\"") ? m.group(2).substring(1, m.group(2).length() - 1).replace("\"\"", "\"")
						: m.group(2);
				Map<String, Integer> relevant = new HashMap<>();
				Matcher api = Pattern.compile("'([^']+)'").matcher(m.group(3));
				while (api.find()) {
					relevant.put(api.group(1), 1);
				}
				queries.add(new Query(m.group(1), title));
				answers.put(m.group(1), relevant);
			}
			Collection collection = load("lex-jdk", (sink) -> docs.forEach(sink), docs.size() / 20);
			Judge sr5 = (runs) -> {
				double hits = 0;
				for (Query q : queries) {
					List<String> top = documents(runs.getOrDefault(q.id(), List.of()));
					if (top.subList(0, Math.min(5, top.size())).stream().anyMatch(answers.get(q.id())::containsKey)) {
						hits++;
					}
				}
				return hits / queries.size();
			};
			compare("JDK javadoc: " + docs.size() + " java.base members; " + queries.size() + " BIKER test questions",
					collection, queries, queries, "SR@5", sr5);
		}

		void synthetic() throws Exception {
			int n = option("synthetic-chunks", 1_000_000);
			Zipf zipf = new Zipf(option("synthetic-vocabulary", 200_000), 1.07, new Random(3));
			Collection collection = load("lex-synthetic", (sink) -> {
				Random random = new Random(5);
				for (int i = 0; i < n; i++) {
					sink.accept(new String[] { "s" + i, "0", zipf.text(length(random), random) });
				}
			}, Math.max(1, n / 100));
			Random random = new Random(9);
			List<Query> all = new ArrayList<>();
			List<Query> sampled = new ArrayList<>();
			int count = option("synthetic-queries", 100);
			int oracle = option("synthetic-oracle-queries", 6);
			for (int i = 0; i < count; i++) {
				all.add(new Query("short" + i, zipf.text(1 + random.nextInt(8), random)));
				all.add(new Query("long" + i, zipf.distinct(49, random)));
			}
			for (int i = 0; i < oracle; i++) {
				sampled.add(all.get(2 * i));
				sampled.add(all.get(2 * i + 1));
			}
			compare(String.format(Locale.ROOT, "Synthetic: %,d chunks, Zipf words (200,000, s 1.07), log-normal "
					+ "lengths (median %d words); %d short (1-8 words) and %d long (49 different words) queries (SQL: %d "
					+ "of each)", n, 70, count, count, oracle), collection, all, sampled, null, null);
		}

		static int length(Random random) {
			return Math.max(5, Math.min(400, (int) Math.round(Math.exp(4.25 + 0.6 * random.nextGaussian()))));
		}

		// ---- loading ----

		/**
		 * A collection of the chunks {@code source} gives ({document id, chunk index, text}), loaded by COPY and one
		 * INSERT computing each {@code tsvector} as the indexer does; its lexical index built and timed, then
		 * {@code extra} more chunks added and caught up with, timed.
		 */
		Collection load(String name, Consumer<Consumer<String[]>> source, int extra) throws Exception {
			HttpResponse<String> created = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
						+ this.context.getEnvironment().getProperty("local.server.port") + "/v1/collections"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", name, "dimensions", 4,
							"lateInteraction", Map.of("storage", "none")))))
					.build(), HttpResponse.BodyHandlers.ofString());
			if (created.statusCode() != 201) {
				throw new IllegalStateException("creating " + name + ": " + created.body());
			}
			Collection collection = this.collections.get(name);
			long started = System.nanoTime();
			// the first chunks wait, to be added after the build: the catch-up is timed on them
			List<String[]> later = new ArrayList<>();
			int[] count = new int[1];
			try (Connection c = this.db.connect(); Statement s = c.createStatement()) {
				s.execute("SET maintenance_work_mem = '1GB'");
				// detached, its indexes are its own: dropped, then built in bulk when it is attached again
				s.execute("ALTER TABLE retrieval.chunks DETACH PARTITION " + collection.partition());
				Map<String, String> indexes = new LinkedHashMap<>();
				try (var rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'retrieval' "
						+ "AND tablename = '" + collection.partition().replace("retrieval.", "")
						+ "' AND indexdef NOT LIKE '%UNIQUE%'")) {
					while (rs.next()) {
						indexes.put(rs.getString(1), rs.getString(2));
					}
				}
				// built once after the load rather than row by row
				for (String index : indexes.keySet()) {
					s.execute("DROP INDEX retrieval." + index);
				}
				s.execute("CREATE TEMP TABLE staging (document_id text, chunk_index int, t text)");
				CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY staging FROM STDIN (FORMAT csv)");
				source.accept((row) -> {
					count[0]++;
					if (later.size() < extra) {
						later.add(row);
					}
					else {
						write(copy, row);
					}
				});
				copy.endCopy();
				insert(s, collection);
				// the vectors are placeholders: no HNSW graph; attaching builds the table's other indexes
				s.execute("ALTER TABLE retrieval.chunks ATTACH PARTITION " + collection.partition() + " FOR VALUES IN ("
						+ collection.id() + ")");
				s.execute("ANALYZE " + collection.partition());
			}
			double loadSeconds = (System.nanoTime() - started) / 1e9;
			long t = System.nanoTime();
			this.index.catchUp(this.collections.get(name));
			double buildSeconds = (System.nanoTime() - t) / 1e9;
			long built = count[0] - later.size();
			try (Connection c = this.db.connect(); Statement s = c.createStatement()) {
				s.execute("CREATE TEMP TABLE staging (document_id text, chunk_index int, t text)");
				CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY staging FROM STDIN (FORMAT csv)");
				later.forEach((row) -> write(copy, row));
				copy.endCopy();
				insert(s, collection);
			}
			t = System.nanoTime();
			this.index.catchUp(this.collections.get(name));
			double catchUpSeconds = (System.nanoTime() - t) / 1e9;
			collection = this.collections.get(name);
			LexicalIndex.Status status = this.index.status(collection);
			if (status.chunks() != collection.chunkCount()) {
				throw new IllegalStateException("the index holds " + status.chunks() + " chunks, PostgreSQL "
						+ collection.chunkCount());
			}
			long tableBytes = this.jdbc.queryForObject("SELECT pg_total_relation_size(?::regclass)", Long.class,
					collection.partition());
			long ginBytes = this.jdbc.queryForObject("SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM "
					+ "pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ?::regclass AND "
					+ "c.relname LIKE '%tsv%'", Long.class, collection.partition());
			this.out.note("%s: %,d chunks loaded into PostgreSQL in %.0f s (table with indexes %,d MB, of which the "
					+ "GIN index on tsv %,d MB). Lexical index: built from %,d chunks in %.1f s (%,.0f chunks/s), "
					+ "%,d MB on disk; %,d new chunks caught up in %.2f s (%,.0f chunks/s)", name, collection.chunkCount(),
					loadSeconds, tableBytes >> 20, ginBytes >> 20, built, buildSeconds, built / buildSeconds,
					status.sizeBytes() >> 20, later.size(), catchUpSeconds, later.size() / catchUpSeconds);
			return collection;
		}

		private static void write(CopyIn copy, String[] row) {
			String line = "\"" + row[0].replace("\"", "\"\"") + "\"," + row[1] + ",\"" + row[2].replace("\u0000", " ").replace("\"", "\"\"") + "\"\n";
			byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
			try {
				copy.writeToCopy(bytes, 0, bytes.length);
			}
			catch (java.sql.SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static void insert(Statement s, Collection collection) throws java.sql.SQLException {
			s.execute("INSERT INTO " + collection.partition() + " (collection_id, document_id, chunk_index, version, "
					+ "text, start_offset, end_offset, embedding, tsv, token_count, content_hash) SELECT " + collection.id()
					+ ", s.document_id, s.chunk_index, 1, s.t, 0, length(s.t), '[1,0,0,0]', v.tsv, "
					+ "retrieval.tsvector_token_count(v.tsv), sha256(convert_to(s.t, 'UTF8')) FROM staging s, "
					+ "LATERAL (SELECT to_tsvector('" + collection.language() + "'::regconfig, s.t) AS tsv) v");
			s.execute("DROP TABLE staging");
			s.execute("UPDATE retrieval.collections SET chunk_count = (SELECT count(*) FROM " + collection.partition()
					+ "), token_count = (SELECT coalesce(sum(token_count), 0) FROM " + collection.partition()
					+ "), document_count = (SELECT count(DISTINCT document_id) FROM " + collection.partition()
					+ ") WHERE id = " + collection.id());
		}

		// ---- the comparison ----

		interface Judge {

			double score(Map<String, List<String>> runs);

		}

		/**
		 * Every query through the index; {@code sampled} also through the SQL. Latency by engine and length
		 * (short: at most 8 distinct lexemes), agreement on the top 100, and the quality measure of each run.
		 */
		void compare(String heading, Collection collection, List<Query> queries, List<Query> sampled, String measure,
				Judge judge) {
			Map<String, Integer> lexemes = new HashMap<>();
			for (Query q : queries) {
				lexemes.put(q.id(), this.lexical.lexemes(collection, q.text()).size());
			}
			// warm both: a pass of the index, a few SQL searches
			for (Query q : queries) {
				this.lexical.search(collection, q.text(), null, 100, true);
			}
			Map<String, List<Double>> times = new LinkedHashMap<>();
			Map<String, List<Candidate>> byIndex = new HashMap<>();
			for (Query q : queries) {
				long t = System.nanoTime();
				List<Candidate> found = this.lexical.search(collection, q.text(), null, 100, true);
				times.computeIfAbsent("index " + kind(lexemes.get(q.id())), (k) -> new ArrayList<>())
					.add((System.nanoTime() - t) / 1e6);
				byIndex.put(q.id(), found);
			}
			Map<String, List<Candidate>> bySql = new HashMap<>();
			for (Query q : sampled) {
				long t = System.nanoTime();
				List<Candidate> found = this.lexical.searchInSql(collection, this.lexical.lexemes(collection, q.text()),
						null, 100);
				times.computeIfAbsent("SQL " + kind(lexemes.get(q.id())), (k) -> new ArrayList<>())
					.add((System.nanoTime() - t) / 1e6);
				bySql.put(q.id(), found);
			}
			int same = 0;
			List<String> differing = new ArrayList<>();
			for (Query q : sampled) {
				if (sameUpToTies(byIndex.get(q.id()), bySql.get(q.id()))) {
					same++;
				}
				else {
					differing.add(q.id());
				}
			}
			BenchOutput.Table table = this.out.table(heading, "engine, query length", "queries", "median lexemes",
					"p50 ms", "p99 ms");
			for (var e : times.entrySet()) {
				List<Double> ms = e.getValue();
				List<Integer> lengths = new ArrayList<>();
				for (Query q : e.getKey().startsWith("SQL") ? sampled : queries) {
					if (e.getKey().endsWith(kind(lexemes.get(q.id())))) {
						lengths.add(lexemes.get(q.id()));
					}
				}
				lengths.sort(null);
				table.row(e.getKey(), ms.size(), lengths.isEmpty() ? 0 : lengths.get(lengths.size() / 2),
						percentile(ms, 50), percentile(ms, 99));
			}
			for (String kind : List.of("short", "long")) {
				List<Double> sql = times.get("SQL " + kind);
				List<Double> lucene = times.get("index " + kind);
				if (sql != null && lucene != null) {
					this.out.ratio(heading.substring(0, heading.indexOf(':')) + " " + kind + ": SQL p50 / index p50",
							percentile(sql, 50) / percentile(lucene, 50));
				}
			}
			this.out.note("%s: %d of %d queries rank the same top 100 as the SQL BM25 (scores to 1e-9, chunks up to ties "
					+ "at the cut)%s", heading.substring(0, heading.indexOf(':')), same, sampled.size(),
					differing.isEmpty() ? "" : "; differing: " + differing.subList(0, Math.min(10, differing.size())));
			if (judge != null) {
				Map<String, List<String>> indexRuns = new LinkedHashMap<>();
				Map<String, List<String>> indexSampled = new LinkedHashMap<>();
				Map<String, List<String>> sqlRuns = new LinkedHashMap<>();
				for (Query q : queries) {
					indexRuns.put(q.id(), keys(byIndex.get(q.id())));
				}
				for (Query q : sampled) {
					indexSampled.put(q.id(), keys(byIndex.get(q.id())));
					sqlRuns.put(q.id(), keys(bySql.get(q.id())));
				}
				this.out.note("%s %s: index %.4f over all %d queries; on the %d the SQL ran, index %.4f and SQL %.4f",
						heading.substring(0, heading.indexOf(':')), measure, judge.score(indexRuns), queries.size(),
						sampled.size(), judge.score(indexSampled), judge.score(sqlRuns));
			}
		}

		static String kind(int lexemes) {
			return (lexemes <= 8) ? "short" : "long";
		}

		static List<String> keys(List<Candidate> candidates) {
			return candidates.stream().map(Candidate::key).toList();
		}

		/** Chunk keys to document ids, first occurrence kept. */
		static List<String> documents(List<String> keys) {
			LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
			for (String key : keys) {
				seen.putIfAbsent(key.substring(0, key.lastIndexOf('#')), true);
			}
			return new ArrayList<>(seen.keySet());
		}

		static boolean sameUpToTies(List<Candidate> index, List<Candidate> sql) {
			if (index.size() != sql.size()) {
				return false;
			}
			for (int i = 0; i < sql.size(); i++) {
				double expected = sql.get(i).score();
				if (Math.abs(index.get(i).score() - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
					return false;
				}
			}
			double last = sql.isEmpty() ? 0 : sql.get(sql.size() - 1).score();
			java.util.Set<String> expected = new java.util.HashSet<>();
			java.util.Set<String> actual = new java.util.HashSet<>();
			for (int i = 0; i < sql.size(); i++) {
				if (sql.get(i).score() - last > 1e-9 * Math.max(1, last)) {
					expected.add(sql.get(i).key());
					actual.add(index.get(i).key());
				}
			}
			return expected.equals(actual);
		}

		static double percentile(List<Double> values, double p) {
			double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
			return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
		}

		static double averagePrecision(List<String> ranking, Map<String, Integer> relevant) {
			if (relevant == null || relevant.isEmpty()) {
				return 0;
			}
			double hits = 0;
			double sum = 0;
			for (int i = 0; i < ranking.size(); i++) {
				if (relevant.containsKey(ranking.get(i))) {
					hits++;
					sum += hits / (i + 1);
				}
			}
			return sum / relevant.size();
		}

		static Map<String, Map<String, Integer>> qrels(Path file, String separator, int query, int document, int score,
				boolean header) throws IOException {
			Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
			List<String> lines = Files.readAllLines(file);
			for (String line : lines.subList(header ? 1 : 0, lines.size())) {
				String[] f = line.trim().split(separator);
				if (f.length > score && Integer.parseInt(f[score]) > 0) {
					qrels.computeIfAbsent(f[query], (k) -> new HashMap<>()).put(f[document], Integer.parseInt(f[score]));
				}
			}
			return qrels;
		}

		/** As {@code ./rag eval fire2017} cuts them: 600 characters before each marker and 200 after. */
		static List<String> citationContexts(String text) {
			String marker = "[?CITATION?]";
			List<String> contexts = new ArrayList<>();
			for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length())) {
				String window = text.substring(Math.max(0, at - 600), Math.min(text.length(), at + marker.length() + 200));
				String context = window.replace(marker, " ").replaceAll("\\s+", " ").trim();
				if (!context.isEmpty()) {
					contexts.add(context);
				}
			}
			return contexts;
		}

		/**
		 * java.base members with javadoc: id {@code package.Class.member} (BIKER's answers name methods so), text the
		 * name, the declaration and the comment without its markup.
		 */
		static List<String[]> javadoc(Path srcZip) throws IOException {
			Pattern member = Pattern.compile("/\\*\\*(.*?)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*([^;{/]*?)\\s*[;{]",
					Pattern.DOTALL);
			Pattern name = Pattern.compile("(\\w+)\\s*\\(");
			List<String[]> docs = new ArrayList<>();
			Map<String, Integer> seen = new HashMap<>();
			try (InputStream in = Files.newInputStream(srcZip); ZipInputStream zip = new ZipInputStream(in)) {
				for (ZipEntry entry; (entry = zip.getNextEntry()) != null;) {
					String path = entry.getName();
					if (!path.startsWith("java.base/java/") || !path.endsWith(".java")) {
						continue;
					}
					String type = path.substring("java.base/".length(), path.length() - 5).replace('/', '.');
					String source = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
					Matcher m = member.matcher(source);
					while (m.find()) {
						Matcher n = name.matcher(m.group(2));
						if (!n.find()) {
							continue;
						}
						String id = type + "." + n.group(1);
						String comment = m.group(1)
							.replaceAll("(?m)^\\s*\\*", " ")
							.replaceAll("\\{@\\w+\\s+([^}]*)}", "$1")
							.replaceAll("<[^>]+>", " ")
							.replaceAll("\\s+", " ")
							.trim();
						int c = seen.merge(id, 1, Integer::sum) - 1;
						docs.add(new String[] { id, Integer.toString(c),
								n.group(1) + " " + m.group(2).replaceAll("\\s+", " ") + " " + comment });
					}
				}
			}
			return docs;
		}

	}

	/** Zipf-distributed words of a made-up language. */
	static final class Zipf {

		private final String[] words;

		private final double[] cumulative;

		Zipf(int vocabulary, double exponent, Random random) {
			String[] syllables = { "ka", "lo", "mi", "ter", "on", "vas", "ul", "pre", "dim", "sor", "ne", "qua", "bri",
					"tal", "es", "gor", "fi", "nup", "zel", "hax" };
			this.words = new String[vocabulary];
			java.util.Set<String> seen = new java.util.HashSet<>();
			for (int i = 0; i < vocabulary; i++) {
				String word;
				do {
					StringBuilder w = new StringBuilder();
					int n = 2 + random.nextInt(4);
					for (int s = 0; s < n; s++) {
						w.append(syllables[random.nextInt(syllables.length)]);
					}
					word = w.toString();
				}
				while (!seen.add(word));
				this.words[i] = word;
			}
			this.cumulative = new double[vocabulary];
			double sum = 0;
			for (int i = 0; i < vocabulary; i++) {
				sum += 1 / Math.pow(i + 1, exponent);
				this.cumulative[i] = sum;
			}
			for (int i = 0; i < vocabulary; i++) {
				this.cumulative[i] /= sum;
			}
		}

		/** {@code count} different words, drawn as text is: a long query of that many terms. */
		String distinct(int count, Random random) {
			java.util.Set<String> words = new java.util.LinkedHashSet<>();
			while (words.size() < count) {
				words.add(text(1, random));
			}
			return String.join(" ", words);
		}

		String text(int length, Random random) {
			StringBuilder text = new StringBuilder(length * 9);
			for (int i = 0; i < length; i++) {
				int at = Arrays.binarySearch(this.cumulative, random.nextDouble());
				text.append(this.words[Math.min(this.words.length - 1, (at >= 0) ? at : -at - 1)]).append(' ');
			}
			return text.toString().trim();
		}

	}

}
