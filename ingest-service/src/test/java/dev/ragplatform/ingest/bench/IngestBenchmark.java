package dev.ragplatform.ingest.bench;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.IngestServiceApplication;
import dev.ragplatform.ingest.chunk.Chunker;
import dev.ragplatform.ingest.chunk.ChunkSize;
import dev.ragplatform.ingest.chunk.TextChunk;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.embedding.ModelTokenizers;
import dev.ragplatform.testsupport.BenchOutput;
import dev.ragplatform.testsupport.KafkaBroker;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;
import dev.ragplatform.testsupport.ZipkinServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./rag bench ingest}: the SciFact corpus (5,183 abstracts, title + text) through the whole pipeline —
 * published on {@code rag.documents.v1}, parsed, chunked, embedded by the real embedding-service, published on
 * {@code rag.chunks.v1} and indexed by the real retrieval-service — printing documents/s and chunks/s beside the
 * embedding service's raw throughput on the very same chunk texts (HTTP, concurrent batches, in the same run).
 * Everything shares this machine's cores, as in a one-node deployment. Each {@code --tracing} mode ({@code off,on} by
 * default) starts the three services afresh: off without a tracer, on with every span sent to a real Zipkin server.
 */
public final class IngestBenchmark {

	static final JsonMapper JSON = JsonMapper.builder().build();

	public static void main(String[] args) throws Exception {
		quietLogs();
		Map<String, String> options = options(args);
		Path datasets = Path.of(options.getOrDefault("datasets", "../shared/datasets"));
		int limit = Integer.parseInt(options.getOrDefault("documents", "0"));
		List<String[]> corpus = corpus(datasets.resolve("scifact/corpus.jsonl"), limit);
		// each run's services start afresh with tracing off (no tracer at all) or on (every span recorded and sent
		// to a real Zipkin server), so that the same run measures what tracing costs
		List<String> modes = List.of(options.getOrDefault("tracing", "off,on").split(","));
		ZipkinServer zipkin = modes.contains("on")
				? ZipkinServer.start(Path.of(options.getOrDefault("zipkin-jar", "target/zipkin/zipkin-server.jar"))) : null;

		PostgresDatabase db = RealInfrastructure.postgres(IngestBenchmark.class);
		KafkaBroker kafka = RealInfrastructure.kafka();
		String external = System.getenv("RAG_TEST_EMBEDDING_URL");
		Report report = new Report();
		int status = 0;
		try {
			for (String mode : modes) {
				List<String> tracing = ZipkinServer.serviceArgs(mode, zipkin);
				ServiceProcess embeddingProcess = (external != null && !external.isBlank()) ? null
						: ServiceProcess.start("embedding-service", "1g",
								with(tracing, "--rag.embedding.built-in-models=bge-small-en-v1.5"));
				URI embedding = (embeddingProcess != null) ? embeddingProcess.url() : URI.create(external);
				ServiceProcess retrieval = ServiceProcess.start("retrieval-service", "768m", with(tracing,
						"--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.username(),
						"--spring.datasource.password=" + db.password(),
						"--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
						"--rag.retrieval.embedding.url=" + embedding, "--logging.level.root=WARN"));
				ConfigurableApplicationContext ingest = SpringApplication.run(IngestServiceApplication.class,
						with(tracing, "--server.port=0", "--spring.datasource.url=" + db.jdbcUrl(),
								"--spring.datasource.username=" + db.username(),
								"--spring.datasource.password=" + db.password(),
								"--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
								"--rag.ingest.embedding.url=" + embedding, "--rag.ingest.retrieval.url=" + retrieval.url(),
								"--logging.level.root=WARN").toArray(String[]::new));
				try {
					run("tracing " + mode + ", ", corpus, embedding, retrieval.url(), db, kafka,
							ingest.getBean(IngestProperties.class), ingest.getBean(ModelTokenizers.class), report, args);
				}
				finally {
					ingest.close();
					retrieval.stop();
					if (embeddingProcess != null) {
						embeddingProcess.stop();
					}
				}
			}
			report.finish(zipkin != null);
		}
		catch (Exception ex) {
			ex.printStackTrace();
			status = 1;
		}
		finally {
			if (zipkin != null) {
				zipkin.stop();
			}
		}
		System.exit(status); // the embedded broker goes with the JVM
	}

	private static List<String> with(List<String> tracing, String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(tracing);
		return all;
	}

	/** The output of all runs: one table, and documents/s to INDEXED of each run for the ratios. */
	private static final class Report {

		BenchOutput out;

		BenchOutput.Table table;

		// documents/s to INDEXED of every run, by tracing, model and storage: a storage may be listed twice
		// (none,binary,none,binary) so that warming up does not favour the later runs, and the ratio is of the means
		final Map<String, List<Double>> indexedRate = new java.util.LinkedHashMap<>();

		void finish(boolean traced) {
			String baseRun = this.indexedRate.keySet().iterator().next();
			double base = mean(this.indexedRate.get(baseRun));
			for (var rate : this.indexedRate.entrySet()) {
				if (!rate.getKey().equals(baseRun)) {
					this.out.ratio(String.format(Locale.ROOT, "%s / %s (documents/s to INDEXED, mean of %d / %d runs)",
							rate.getKey(), baseRun, rate.getValue().size(), this.indexedRate.get(baseRun).size()),
							mean(rate.getValue()) / base);
				}
			}
			if (traced) {
				this.out.note("tracing on: every span of ingest-, embedding- and retrieval-service recorded (sampling 1.0) "
						+ "and sent to a Zipkin server on this machine; off: no tracer (its auto-configuration excluded). "
						+ "Target: on costs at most 5 %% of documents/s");
			}
			this.out.finish();
		}

	}

	private static void run(String label, List<String[]> corpus, URI embedding, URI retrieval, PostgresDatabase db,
			KafkaBroker kafka, IngestProperties properties, ModelTokenizers tokenizers, Report report, String[] args)
			throws Exception {
		int batchSize = properties.embedding().batchSize();
		int concurrency = properties.embedding().maxConcurrentCalls();
		HttpClient http = HttpClient.newHttpClient();
		Map<String, String> options = options(args);
		List<String> storages = List.of(options.getOrDefault("late-interaction", "none,binary").split(","));
		List<String> models = options.containsKey("models") ? List.of(options.get("models").split(",")) : List.of("");
		int runs = report.indexedRate.values().stream().mapToInt(List::size).sum();
		for (String requestedModel : models) {
			Map<String, Object> probe = new HashMap<>(Map.of("name", "scifact-bench-probe"));
			if (!requestedModel.isEmpty()) {
				probe.put("embeddingModel", requestedModel);
			}
			JsonNode created = send(http, retrieval.resolve("/v1/collections"), probe);
			int target = created.path("chunking").path("targetTokens").asInt();
			int overlap = created.path("chunking").path("overlapTokens").asInt();
			String model = created.path("embeddingModel").asString();
			delete(http, retrieval.resolve("/v1/collections/scifact-bench-probe"));

			// the chunks the pipeline will make: its tokenizer (from embedding-service), chunk size and chunker
			List<String> chunks = new ArrayList<>();
			ModelTokenizers.Model tokenizer = tokenizers.get(model);
			ChunkSize size = ChunkSize.fit(target, overlap, tokenizer.maxTokens());
			Chunker chunker = new Chunker();
			for (String[] doc : corpus) {
				String text = doc[2];
				for (TextChunk chunk : chunker.split(text, tokenizer.tokenizer().tokenize(text), size.targetTokens(),
						size.overlapTokens())) {
					chunks.add(text.substring(chunk.start(), chunk.end()));
				}
			}
			if (report.out == null) {
				report.out = BenchOutput.start("ingest", String.format(Locale.ROOT,
						"SciFact corpus, %,d documents → %,d chunks of ≤ %d tokens; models %s; token vectors %s; tracing %s",
						corpus.size(), chunks.size(), size.targetTokens(), models, storages,
						options.getOrDefault("tracing", "off,on")), args);
				report.table = report.out.table("Ingest throughput", "run", "seconds", "documents/s", "chunks/s");
			}

			// peer: embedding-service alone on the same chunk texts, as the pipeline calls it
			rawEmbedding(http, embedding, model, chunks.subList(0, Math.min(256, chunks.size())), batchSize, concurrency);
			long t0 = System.nanoTime();
			rawEmbedding(http, embedding, model, chunks, batchSize, concurrency);
			double rawSeconds = (System.nanoTime() - t0) / 1e9;
			double rawRate = chunks.size() / rawSeconds;
			report.table.row(label + model + ": embedding-service alone (HTTP, same chunks, " + concurrency + "×"
					+ batchSize + ")", rawSeconds, null, rawRate);
			for (String storage : storages) {
				String collection = "scifact-bench-" + runs++;
				Map<String, Object> create = new HashMap<>(Map.of("name", collection, "lateInteraction",
						Map.of("storage", storage)));
				create.put("embeddingModel", model);
				send(http, retrieval.resolve("/v1/collections"), create);
				double[] times = pipeline(corpus, collection, db, kafka);
				long pipelineChunks = chunkTotal(db, collection);
				String run = label + model + ", token vectors " + storage;
				report.table.row(run + ": published → EMBEDDED", times[0], corpus.size() / times[0], pipelineChunks / times[0])
					.row(run + ": published → INDEXED (searchable)", times[1], corpus.size() / times[1],
							pipelineChunks / times[1]);
				report.out.ratio(run + ": pipeline to INDEXED / embedding-service alone (chunks/s)",
						pipelineChunks / times[1] / rawRate);
				report.indexedRate.computeIfAbsent(run, (k) -> new ArrayList<>()).add(corpus.size() / times[1]);
				if (pipelineChunks != chunks.size()) {
					report.out.note("the pipeline made %,d chunks, the peer %,d", pipelineChunks, chunks.size());
				}
			}
		}
	}

	private static double mean(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
	}

	/** Publishes the corpus on rag.documents.v1 and waits until all are INDEXED: seconds to EMBEDDED and to INDEXED. */
	private static double[] pipeline(List<String[]> corpus, String collection, PostgresDatabase db, KafkaBroker kafka)
			throws Exception {
		long t0 = System.nanoTime();
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
				new StringSerializer(), new StringSerializer())) {
			for (String[] doc : corpus) {
				Map<String, Object> record = Map.of("collection", collection, "externalId", doc[0], "title", doc[1],
						"text", doc[2]);
				producer.send(new ProducerRecord<>(Topics.DOCUMENTS, collection + "/" + doc[0],
						JSON.writeValueAsString(record)));
			}
		}
		double embeddedAt = 0;
		while (true) {
			Map<String, Long> counts = statusCounts(db, collection);
			double now = (System.nanoTime() - t0) / 1e9;
			long embedded = counts.getOrDefault("EMBEDDED", 0L) + counts.getOrDefault("INDEXED", 0L);
			if (embeddedAt == 0 && embedded == corpus.size()) {
				embeddedAt = now;
			}
			if (counts.getOrDefault("INDEXED", 0L) == corpus.size()) {
				return new double[] { embeddedAt, now };
			}
			if (counts.getOrDefault("FAILED", 0L) > 0) {
				throw new IllegalStateException("documents failed: " + counts);
			}
			if (now > 3600) {
				throw new IllegalStateException("not indexed within an hour: " + counts);
			}
			Thread.sleep(200);
		}
	}

	private static void delete(HttpClient http, URI uri) throws Exception {
		http.send(HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.discarding());
	}

	/** Embeds {@code chunks} as the pipeline does: calls of {@code batchSize} texts, {@code concurrency} in flight. */
	private static void rawEmbedding(HttpClient http, URI embedding, String model, List<String> chunks, int batchSize,
			int concurrency) throws Exception {
		Semaphore inFlight = new Semaphore(concurrency);
		List<Future<?>> calls = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int from = 0; from < chunks.size(); from += batchSize) {
				List<String> batch = chunks.subList(from, Math.min(chunks.size(), from + batchSize));
				inFlight.acquire();
				calls.add(pool.submit(() -> {
					try {
						JsonNode response = send(http, embedding.resolve("/v1/embeddings"), Map.of("model", model,
								"input", batch, "input_type", "document", "encoding_format", "base64"));
						if (response.path("data").size() != batch.size()) {
							throw new IllegalStateException("embedding failed: " + response);
						}
					}
					finally {
						inFlight.release();
					}
					return null;
				}));
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
	}

	private static JsonNode send(HttpClient http, URI uri, Object body) throws Exception {
		for (int attempt = 0;; attempt++) {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 429 && attempt < 100) {
				Thread.sleep(100);
				continue;
			}
			if (response.statusCode() >= 300) {
				throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}
	}

	private static Map<String, Long> statusCounts(PostgresDatabase db, String collection) throws Exception {
		Map<String, Long> counts = new HashMap<>();
		try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
				"SELECT status, count(*) FROM ingest.documents WHERE collection = ? GROUP BY status")) {
			s.setString(1, collection);
			try (ResultSet rs = s.executeQuery()) {
				while (rs.next()) {
					counts.put(rs.getString(1), rs.getLong(2));
				}
			}
		}
		return counts;
	}

	private static long chunkTotal(PostgresDatabase db, String collection) throws Exception {
		try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
				"SELECT coalesce(sum(chunk_count), 0) FROM ingest.documents WHERE collection = ?")) {
			s.setString(1, collection);
			try (ResultSet rs = s.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	/** id, title, title + blank line + abstract. */
	private static List<String[]> corpus(Path file, int limit) throws Exception {
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(file + " is missing: pass --datasets <dir holding scifact/>");
		}
		List<String[]> docs = new ArrayList<>();
		try (BufferedReader in = Files.newBufferedReader(file)) {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				if (line.isBlank()) {
					continue;
				}
				JsonNode doc = JSON.readTree(line);
				String title = doc.path("title").asString("");
				docs.add(new String[] { doc.path("_id").asString(), title,
						(title.isBlank() ? "" : title + "\n\n") + doc.path("text").asString("") });
				if (limit > 0 && docs.size() == limit) {
					break;
				}
			}
		}
		return docs;
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("usage: [--datasets dir] [--documents n]");
			}
			options.put(args[i].substring(2), args[i + 1]);
		}
		return options;
	}

	/** Broker and client logs at WARN, so the figures stand out. */
	private static void quietLogs() {
		var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.setLevel(ch.qos.logback.classic.Level.WARN);
	}

}
