package dev.ragplatform.eval;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.ragplatform.contracts.search.Rerank;
import dev.ragplatform.contracts.search.SearchRequest;

/** The running platform's public REST APIs, as the evaluation uses them: ingest and search, nothing internal. */
final class Platform {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI ingest;

	private final URI retrieval;

	/** llm-adapter, for the suites' modes that go through it (citation prediction, API recommendation). */
	private final URI llm;

	/** The embedding model of the collections this run creates; null for the platform's default. */
	private final String model;

	/** A mode's rerank step: {@code +rerank}, or {@code +rerank<N>} for N candidates. */
	private static final java.util.regex.Pattern RERANK = java.util.regex.Pattern.compile("\\+rerank(\\d*)$");

	/** The late-interaction storage of the collections this run creates; null for the platform's default. */
	private final String tokenStorage;

	/** Adapter ids by the name a mode gives them after {@code @} (e.g. {@code dense@labels}). */
	private final Map<String, String> adapters = new java.util.concurrent.ConcurrentHashMap<>();

	Platform(URI ingest, URI retrieval, String model) {
		this(ingest, retrieval, URI.create("http://127.0.0.1:8085"), model);
	}

	Platform(URI ingest, URI retrieval, URI llm, String model) {
		this(ingest, retrieval, llm, model, null);
	}

	Platform(URI ingest, URI retrieval, URI llm, String model, String tokenStorage) {
		this.ingest = ingest;
		this.retrieval = retrieval;
		this.llm = llm;
		this.model = model;
		this.tokenStorage = tokenStorage;
	}

	/** Fails unless llm-adapter answered 200 in the mode asked, not degraded: a report never mixes modes. */
	private static void requireAnswered(String what, String mode, Response response) {
		if (response.status() != 200) {
			throw new IllegalStateException(what + " failed: " + response);
		}
		if (response.body().path("degraded").asBoolean(false) || !mode.equals(response.body().path("mode").asString())) {
			throw new IllegalStateException(what + " answered in mode " + response.body().path("mode")
					+ " (asked " + mode + "): " + response.body().path("reason").asString(""));
		}
	}

	/**
	 * llm-adapter's API recommendation ({@code POST /v1/apis/recommend}): API names best first, and what re-scored
	 * the examples and the API documents when the settings asked for it. A degraded answer (an LLM asked for but
	 * failed) is an error here, and so is a re-scoring asked for that did not run (the answer says
	 * {@code not re-scored: …}): a report never measures the default under a {@code rerank} label. What did re-score
	 * (late interaction over stored token vectors, or rerank-service where a collection keeps none) is returned, for
	 * the report.
	 */
	Recommended recommend(String query, String apiCollection, String examplesCollection, String mode, int topK,
			Map<String, Object> examplesFilter, Map<String, Object> settings) throws IOException, InterruptedException {
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("query", query, "apiCollection", apiCollection,
				"examplesCollection", examplesCollection, "mode", mode, "topK", topK, "examplesFilter", examplesFilter));
		body.putAll(settings);
		Response response = call("POST", this.llm.resolve("/v1/apis/recommend"), body);
		requireAnswered("API recommendation", mode, response);
		List<String> apis = new ArrayList<>();
		response.body().path("apis").forEach((a) -> apis.add(a.path("api").asString()));
		return new Recommended(apis,
				rescoring("examples", settings.get("rerankExamples"), response.body().path("examplesRescoring")),
				rescoring("documents", settings.get("rerankDocuments"), response.body().path("documentsRescoring")));
	}

	/** What re-scored one ranking of a recommendation: null when not asked for; fails when asked for but not run. */
	static String rescoring(String what, Object asked, JsonNode answered) {
		if (!Boolean.TRUE.equals(asked)) {
			return null;
		}
		String label = answered.isString() ? answered.asString() : "not re-scored: the answer does not say";
		if (label.startsWith("not re-scored")) {
			throw new IllegalStateException("API recommendation was asked to re-score the " + what + ", but: " + label);
		}
		return label;
	}

	/**
	 * @param apis API names, best first
	 * @param examplesRescoring what re-scored the semantically selected examples (null: not asked for)
	 * @param documentsRescoring the same for the API documents' dense ranking
	 */
	record Recommended(List<String> apis, String examplesRescoring, String documentsRescoring) {
	}

	/**
	 * llm-adapter's citation prediction ({@code POST /v1/citations/predict}): the documents it predicts (by external
	 * id) best first. {@code mode} is {@code retrieval}, {@code llm} or {@code ensemble}; {@code wholeText} and
	 * {@code wholeTextWeight} null for the service's defaults; a degraded answer (an LLM
	 * asked for but failed) is an error here, so a report never mixes the two.
	 */
	Search citations(String collection, String text, String mode, String searchMode, int topK, Boolean wholeText,
			Double wholeTextWeight) throws IOException, InterruptedException {
		long started = System.nanoTime();
		Map<String, Object> body = new LinkedHashMap<>(Map.of("collection", collection, "text", text, "mode", mode,
				"searchMode", searchMode, "topK", topK));
		if (wholeText != null) {
			body.put("wholeText", wholeText);
		}
		if (wholeTextWeight != null) {
			body.put("wholeTextWeight", wholeTextWeight);
		}
		Response response = call("POST", this.llm.resolve("/v1/citations/predict"), body);
		double millis = (System.nanoTime() - started) / 1e6;
		requireAnswered("citation prediction", mode, response);
		List<String> documents = new ArrayList<>();
		response.body().path("documents").forEach((d) -> documents.add(d.path("externalId").asString()));
		return new Search(documents, millis);
	}

	/**
	 * The collection's settings, creating it with the platform's defaults (and the run's model, if it names one)
	 * when it does not exist. An existing collection made with another model than the run names is an error.
	 */
	JsonNode ensureCollection(String name) throws IOException, InterruptedException {
		Response got = call("GET", this.retrieval.resolve("/v1/collections/" + name), null);
		if (got.status() == 200) {
			String existing = got.body().path("embeddingModel").asString();
			String storage = got.body().path("lateInteraction").path("storage").asString("none");
			if (this.tokenStorage != null && !this.tokenStorage.equals(storage)) {
				throw new IllegalStateException("collection " + name + " keeps " + storage + " token vectors, not "
						+ this.tokenStorage + ": pass another --collection");
			}
			if (this.model != null && !this.model.equals(existing)) {
				throw new IllegalStateException("collection " + name + " was made with " + existing + ", not "
						+ this.model + ": pass another --collection, or delete it (DELETE /v1/collections/" + name + ")");
			}
			return got.body();
		}
		Map<String, Object> create = new LinkedHashMap<>(Map.of("name", name));
		if (this.model != null) {
			create.put("embeddingModel", this.model);
		}
		if (this.tokenStorage != null) {
			create.put("lateInteraction", Map.of("storage", this.tokenStorage));
		}
		Response created = call("POST", this.retrieval.resolve("/v1/collections"), create);
		if (created.status() == 409) { // created by a concurrent run, or by an attempt whose answer was lost
			return call("GET", this.retrieval.resolve("/v1/collections/" + name), null).body();
		}
		if (created.status() != 201) {
			throw new IllegalStateException("cannot create collection " + name + ": " + created);
		}
		return created.body();
	}

	/**
	 * Submits a text document (a no-op for the platform when it is indexed already with the same content).
	 *
	 * @return null when the platform took it, else why it refused it (a 4xx problem's detail): a corpus may hold
	 * documents the platform rightly refuses (neither title nor text), and a run goes on without them
	 */
	String submit(String collection, Submission doc) throws IOException, InterruptedException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("externalId", doc.externalId());
		body.put("title", doc.title());
		body.put("text", doc.text());
		if (doc.metadata() != null) {
			body.put("metadata", doc.metadata());
		}
		String externalId = doc.externalId();
		for (int attempt = 1;; attempt++) {
			Response response = call("POST", this.ingest.resolve("/v1/collections/" + collection + "/documents"), body);
			if (response.status() == 200 || response.status() == 202) {
				return null;
			}
			if (response.status() >= 400 && response.status() < 500 && response.status() != 429) {
				return response.status() + " " + ((response.body() != null)
						? response.body().path("detail").asString(response.body().toString()) : "");
			}
			if (attempt == 5) {
				throw new IllegalStateException("ingest did not take " + externalId + ": " + response);
			}
			Thread.sleep(1000L * attempt);
		}
	}

	/** Documents of the collection per status ({@code INDEXED}, {@code FAILED}, …). */
	Map<String, Long> statusCounts(String collection) throws IOException, InterruptedException {
		Response response = call("GET", this.ingest.resolve("/v1/collections/" + collection + "/documents?size=1"), null);
		if (response.status() != 200) {
			throw new IllegalStateException("cannot read document status: " + response);
		}
		Map<String, Long> counts = new LinkedHashMap<>();
		response.body().path("byStatus").properties().forEach((e) -> counts.put(e.getKey(), e.getValue().asLong()));
		return counts;
	}

	/**
	 * Searches and returns documents (by external id) best first: chunks of one document count once, at the
	 * rank of its best chunk.
	 */
	Search search(String collection, String query, String mode, int topK) throws IOException, InterruptedException {
		return search(collection, query, mode, topK,
				(result) -> result.path("externalId").asString(result.path("documentId").asString()));
	}

	/** As {@link #search(String, String, String, int)}, ranking what {@code key} says a result stands for. */
	Search search(String collection, String query, String mode, int topK,
			java.util.function.Function<JsonNode, String> key) throws IOException, InterruptedException {
		Hits hits = hits(collection, query, mode, topK, null);
		List<String> documents = new ArrayList<>();
		for (JsonNode result : hits.results()) {
			String id = key.apply(result);
			if (id != null && !id.isBlank() && !documents.contains(id)) {
				documents.add(id);
			}
		}
		return new Search(documents, hits.millis());
	}

	/**
	 * The chunks {@code POST /v1/search} returns, best first. The mode may carry a rerank step:
	 * {@code hybrid+rerank} searches in hybrid mode and reranks the platform's default depth of candidates; a failed
	 * rerank is an error here,
	 * not silently the un-reranked order.
	 */
	Hits hits(String collection, String query, String mode, int topK, Map<String, Object> filter)
			throws IOException, InterruptedException {
		// "dense@labels": dense search with the adapter this run trained as "labels"; no "@": no adapter at all
		String adapter = "none";
		if (mode.contains("@")) {
			adapter = adapterId(mode.substring(mode.indexOf('@') + 1));
			mode = mode.substring(0, mode.indexOf('@'));
		}
		// "+rerank": the platform's depth (100 over stored token vectors, 50 through rerank-service), deeper
		// candidates follow un-reranked; without it, no rerank at all (a collection that stores token vectors
		// would otherwise be reranked by default)
		// "+rerank50": that many
		java.util.regex.Matcher reranked = RERANK.matcher(mode);
		Rerank rerank = reranked.find()
				? new Rerank(true, reranked.group(1).isEmpty() ? null : Integer.valueOf(reranked.group(1)))
				: new Rerank(false, null);
		SearchRequest body = new SearchRequest(collection, query, null, topK, RERANK.matcher(mode).replaceAll(""),
				(filter != null) ? JSON.valueToTree(filter) : null, rerank, null, null, adapter, null);
		long started = System.nanoTime();
		Response response = call("POST", this.retrieval.resolve("/v1/search"), body);
		double millis = (System.nanoTime() - started) / 1e6;
		if (response.status() != 200) {
			throw new IllegalStateException("search failed: " + response);
		}
		if (rerank.enabled() && !response.body().path("reranked").asBoolean(false)) {
			throw new IllegalStateException("mode " + mode + ": the rerank step did not run ("
					+ response.body().path("rerankError").asString("no reason given")
					+ "); is rerank-service up with a model?");
		}
		if (!adapter.equals(response.body().path("adapter").asString())) {
			throw new IllegalStateException("asked for adapter " + adapter + ", the search used "
					+ response.body().path("adapter"));
		}
		List<JsonNode> results = new ArrayList<>();
		response.body().path("results").forEach(results::add);
		return new Hits(results, millis);
	}

	String adapterId(String name) {
		String id = this.adapters.get(name);
		if (id == null) {
			throw new IllegalStateException("no adapter '" + name + "' was trained in this run");
		}
		return id;
	}

	/**
	 * Trains an adapter of {@code collection} ({@code POST /v1/collections/{c}/adapters}) and waits for it, or
	 * reuses a ready one of the same name; modes then name it as {@code <mode>@<key>}. Returns its final state.
	 */
	JsonNode trainAdapter(String collection, String key, String name, Map<String, Object> request) throws Exception {
		URI adapters = this.retrieval.resolve("/v1/collections/" + collection + "/adapters");
		Response list = call("GET", adapters, null);
		for (JsonNode a : list.body().path("adapters")) {
			if (a.path("name").asString().equals(name) && a.path("status").asString().equals("ready")) {
				System.err.printf("adapter %s (%s) is trained already: reusing it%n", name, a.path("id").asString());
				this.adapters.put(key, a.path("id").asString());
				return a;
			}
		}
		Map<String, Object> body = new LinkedHashMap<>(request);
		body.put("name", name);
		Response started = call("POST", adapters, body);
		if (started.status() != 202) {
			throw new IllegalStateException("training adapter " + name + " was refused: " + started);
		}
		String id = started.body().path("id").asString();
		String last = "";
		while (true) {
			Thread.sleep(3000);
			JsonNode state = call("GET", adapters.resolve(adapters.getPath() + "/" + id), null).body();
			String status = state.path("status").asString();
			JsonNode progress = state.path("progress");
			String line = status + " " + progress.path("phase").asString("") + " " + progress.path("done").asLong()
					+ "/" + progress.path("total").asLong();
			if (!line.equals(last)) {
				System.err.printf("adapter %s: %s%n", name, line);
				last = line;
			}
			if (!status.equals("queued") && !status.equals("training")) {
				if (!status.equals("ready")) {
					throw new IllegalStateException("adapter " + name + " ended " + status + ": " + state.path("error"));
				}
				System.err.printf("adapter %s: held-out %s (unadapted %s)%n", name, state.path("metrics")
					.path("validation"), state.path("metrics").path("baseline"));
				this.adapters.put(key, id);
				return state;
			}
		}
	}

	/** A ready adapter of the collection with that name (the newest), which modes then name as {@code <mode>@<name>}. */
	JsonNode existingAdapter(String collection, String name) throws IOException, InterruptedException {
		Response list = call("GET", this.retrieval.resolve("/v1/collections/" + collection + "/adapters"), null);
		for (JsonNode a : list.body().path("adapters")) {
			if (a.path("name").asString().equals(name) && a.path("status").asString().equals("ready")) {
				this.adapters.put(name, a.path("id").asString());
				return a;
			}
		}
		throw new IllegalStateException("collection " + collection + " has no ready adapter named '" + name + "'");
	}

	/** Makes the adapter the collection's active one (for searches that do not name one, e.g. llm-adapter's). */
	void activateAdapter(String collection, String key, boolean active) throws IOException, InterruptedException {
		String id = adapterId(key);
		Response response = call("POST", this.retrieval.resolve("/v1/collections/" + collection + "/adapters/" + id
				+ (active ? ":activate" : ":deactivate")), Map.of());
		if (response.status() != 200) {
			throw new IllegalStateException((active ? "activating" : "deactivating") + " adapter " + id + ": "
					+ response);
		}
	}

	/**
	 * Ingests the documents over REST and waits until each is indexed or failed; a collection that holds them all
	 * already is reused as it is (resumable runs: re-submitted unchanged documents cost nothing either). Documents
	 * the platform refuses (a 4xx, or FAILED with a reason) are skipped, named on the log and counted, not fatal.
	 */
	Ingested ingest(String collection, List<Submission> documents) throws Exception {
		long size = documents.size();
		if (statusCounts(collection).getOrDefault("INDEXED", 0L) >= size) {
			System.err.printf("collection %s already holds the %,d documents: reusing it%n", collection, size);
			return new Ingested(size, Map.of());
		}
		Progress submitted = new Progress("submit", size);
		java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
		Map<String, String> skipped = new java.util.concurrent.ConcurrentSkipListMap<>();
		try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
			List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
			for (Submission doc : documents) {
				tasks.add(pool.submit(() -> {
					String refused = submit(collection, doc);
					if (refused != null) {
						skipped.put(doc.externalId(), refused);
					}
					submitted.update(count.incrementAndGet());
					return null;
				}));
			}
			for (java.util.concurrent.Future<?> task : tasks) {
				task.get();
			}
		}
		Ingested ingested = awaitIndexed(collection, size - skipped.size());
		skipped.putAll(ingested.skipped());
		if (!skipped.isEmpty()) {
			System.err.printf("skipped %,d of %,d documents the platform refused:%n", skipped.size(), size);
			skipped.entrySet().stream().limit(20)
				.forEach((e) -> System.err.printf("  %s: %s%n", e.getKey(), e.getValue()));
			if (skipped.size() > 20) {
				System.err.printf("  … and %,d more%n", skipped.size() - 20);
			}
		}
		return new Ingested(ingested.indexed(), skipped);
	}

	/** What an ingest ended with: documents indexed, and those skipped (external id → why the platform refused it). */
	record Ingested(long indexed, Map<String, String> skipped) {
	}

	/** A text document to ingest, with optional metadata (null for none). */
	record Submission(String externalId, String title, String text, Map<String, Object> metadata) {

		Submission(String externalId, String title, String text) {
			this(externalId, title, text, null);
		}

	}

	/**
	 * Waits until {@code size} documents of the collection are indexed or failed; the failed ones come back with
	 * their stage and reason.
	 */
	Ingested awaitIndexed(String collection, long size) throws IOException, InterruptedException {
		Progress indexed = new Progress("index", size);
		while (true) {
			Map<String, Long> counts = statusCounts(collection);
			long done = counts.getOrDefault("INDEXED", 0L);
			long failed = counts.getOrDefault("FAILED", 0L);
			indexed.update(Math.min(done + failed, size));
			if (done + failed >= size) {
				return new Ingested(done, (failed > 0) ? failedDocuments(collection) : Map.of());
			}
			Thread.sleep(1000);
		}
	}

	private Map<String, String> failedDocuments(String collection) throws IOException, InterruptedException {
		Map<String, String> failed = new java.util.TreeMap<>();
		for (int page = 0;; page++) {
			Response response = call("GET", this.ingest.resolve("/v1/collections/" + collection
					+ "/documents?status=FAILED&size=200&page=" + page), null);
			if (response.status() != 200) {
				throw new IllegalStateException("cannot read the failed documents: " + response);
			}
			JsonNode documents = response.body().path("documents");
			documents.forEach((d) -> failed.put(d.path("externalId").asString(d.path("documentId").asString()),
					"FAILED at " + d.path("failedStage").asString() + ": " + d.path("failureReason").asString()));
			if (documents.size() < 200) {
				return failed;
			}
		}
	}

	/** Starts a Java API import in ingest-service and waits until it has read and queued everything. */
	JsonNode importJavaSources(String collection, String path, List<String> modules)
			throws IOException, InterruptedException {
		Response started = call("POST", this.ingest.resolve("/v1/collections/" + collection + "/sources/java"),
				Map.of("path", path, "modules", modules));
		if (started.status() != 202) {
			throw new IllegalStateException("the Java API import was refused: " + started);
		}
		URI job = this.ingest.resolve(started.body().path("statusUrl").asString());
		Progress progress = new Progress("read API", 1);
		while (true) {
			JsonNode state = call("GET", job, null).body();
			if (!"RUNNING".equals(state.path("state").asString())) {
				progress.update(1);
				if (!"DONE".equals(state.path("state").asString()) || state.path("failed").asLong() > 0) {
					throw new IllegalStateException("the Java API import failed: " + state);
				}
				return state;
			}
			Thread.sleep(1000);
		}
	}

	/**
	 * One request; a 503 (a dependency of the service was busy or down, so nothing was done) is retried with
	 * back-off, up to 5 attempts in all. Every call of this client is safe to repeat.
	 */
	private Response call(String method, URI uri, Object body) throws IOException, InterruptedException {
		for (int attempt = 1;; attempt++) {
			Response response = callOnce(method, uri, body);
			if (response.status() != 503 || attempt == 5) {
				return response;
			}
			Thread.sleep(2000L * attempt);
		}
	}

	private Response callOnce(String method, URI uri, Object body) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120));
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		for (int attempt = 1;; attempt++) {
			try {
				HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				String text = response.body();
				return new Response(response.statusCode(),
						(text == null || text.isBlank()) ? null : JSON.readTree(text));
			}
			catch (java.net.ConnectException ex) {
				// a service restarting (an upgrade, a crash) must not end a run of hours: wait up to a minute
				if (attempt == 12) {
					throw new IllegalStateException(uri.resolve("/") + " does not answer: start the platform with "
							+ "./rag up", ex);
				}
				Thread.sleep(5000);
			}
		}
	}

	record Response(int status, JsonNode body) {
	}

	/** One search's chunks, best first, and the round trip in milliseconds. */
	record Hits(List<JsonNode> results, double millis) {
	}

	/** One search: documents best first, and the round trip in milliseconds. */
	record Search(List<String> documents, double millis) {
	}

}
