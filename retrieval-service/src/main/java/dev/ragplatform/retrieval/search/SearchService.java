package dev.ragplatform.retrieval.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.ragplatform.contracts.search.ChunkHit;
import dev.ragplatform.contracts.search.Rerank;
import dev.ragplatform.contracts.search.SearchRequest;
import dev.ragplatform.contracts.search.SearchResponse;
import dev.ragplatform.retrieval.adapter.AdapterRegistry;
import dev.ragplatform.retrieval.adapter.Teacher;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.embedding.EmbeddingClient;
import dev.ragplatform.runtime.http.ServiceClient;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Dense, lexical and hybrid (reciprocal rank fusion) search, with an optional rerank step. */
@Service
public class SearchService implements Teacher {

	/** Reads a chunk's stored metadata (JSON text) into the hit. */
	private static final JsonMapper METADATA = JsonMapper.builder().build();

	private static final Logger logger = LoggerFactory.getLogger(SearchService.class);

	private final CollectionService collections;

	private final EmbeddingClient embeddings;

	private final DenseSearch dense;

	private final LexicalSearch lexical;

	private final RerankClient reranker;

	private final StoredLateInteraction lateInteraction;

	private final JdbcTemplate jdbc;

	private final RetrievalProperties properties;

	private final AdapterRegistry adapters;

	private final ObservationRegistry observations;

	SearchService(CollectionService collections, EmbeddingClient embeddings, DenseSearch dense, LexicalSearch lexical,
			RerankClient reranker, StoredLateInteraction lateInteraction, JdbcTemplate jdbc,
			RetrievalProperties properties, AdapterRegistry adapters, ObservationRegistry observations) {
		this.observations = observations;
		this.lateInteraction = lateInteraction;
		this.adapters = adapters;
		this.collections = collections;
		this.embeddings = embeddings;
		this.dense = dense;
		this.lexical = lexical;
		this.reranker = reranker;
		this.jdbc = jdbc;
		this.properties = properties;
	}

	enum Mode {

		DENSE, LEXICAL, HYBRID;

		static Mode parse(String value) {
			if (value == null || value.isBlank()) {
				return HYBRID;
			}
			try {
				return valueOf(value.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw ServiceProblem.badRequest("mode must be dense, lexical or hybrid; not '" + value + "'");
			}
		}

	}

	/**
	 * @param admin whether the caller has the admin scope (the gateway says so): only such callers may force an
	 * exact scan of a collection larger than {@code rag.retrieval.search.max-exact-chunks}
	 */
	SearchResponse search(SearchRequest request, boolean admin) {
		Mode mode = Mode.parse(request.mode());
		try {
			// the search as one timer by mode (rag_retrieval_search_seconds{mode}, with buckets for its p99) and span
			return Observation.createNotStarted("rag.retrieval.search", this.observations)
				.contextualName("search " + mode.name().toLowerCase(Locale.ROOT))
				.lowCardinalityKeyValue("mode", mode.name().toLowerCase(Locale.ROOT))
				.observe(() -> searchWithinLimits(request, admin));
		}
		catch (org.springframework.dao.DataAccessException ex) {
			if (timedOut(ex)) {
				throw ServiceProblem.dependencyUnavailable("The search did not finish within "
						+ this.properties.search().statementTimeout().toMillis() + " ms "
						+ "(rag.retrieval.search.statement-timeout); narrow it with a filter or a shorter query.");
			}
			throw ex;
		}
	}

	/** A JdbcTemplate on the same data source (and transactions) whose statements are cancelled after {@code limit}. */
	static JdbcTemplate limited(JdbcTemplate jdbc, java.time.Duration limit) {
		JdbcTemplate limited = new JdbcTemplate(java.util.Objects.requireNonNull(jdbc.getDataSource()));
		limited.setQueryTimeout((int) Math.max(1, limit.toSeconds()));
		return limited;
	}

	/** PostgreSQL's "canceling statement" (57014), which a query timeout causes. */
	private static boolean timedOut(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof org.springframework.dao.QueryTimeoutException
					|| (t instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState()))) {
				return true;
			}
		}
		return false;
	}

	private SearchResponse searchWithinLimits(SearchRequest request, boolean admin) {
		long started = System.nanoTime();
		if (request.query() == null || request.query().isBlank()) {
			throw ServiceProblem.badRequest("query must not be empty");
		}
		if (request.query().length() > this.properties.search().maxQueryCharacters()) {
			throw ServiceProblem.badRequest("The query has " + request.query().length() + " characters; a search "
					+ "takes at most " + this.properties.search().maxQueryCharacters()
					+ " (rag.retrieval.search.max-query-characters).");
		}
		Collection collection = this.collections.get(request.collection());
		Mode mode = Mode.parse(request.mode());
		int topK = topK(request.topK());
		String filter = filter(request);
		requireExactAllowed(collection, request.exact(), admin);
		int efSearch = efSearch(request.efSearch());
		// asked for, or by default where the collection stores token vectors (then it costs milliseconds)
		boolean asked = request.rerank() != null && Boolean.TRUE.equals(request.rerank().enabled());
		boolean byDefault = request.rerank() == null && collection.tokenStorage() != null
				&& this.properties.rerank().lateInteractionByDefault();
		boolean rerank = asked || byDefault;
		boolean stored = rerank && collection.tokenStorage() != null;
		int rerankTopN = rerank ? rerankTopN((request.rerank() != null) ? request.rerank().topN() : null, stored) : 0;
		int depth = Math.max(Math.max(topK, rerankTopN), (mode == Mode.HYBRID) ? this.properties.search().candidates() : 0);
		String task = (request.task() != null && !request.task().isBlank()) ? request.task() : collection.defaultTask();

		Map<String, Double> timings = new LinkedHashMap<>();
		List<Candidate> denseHits = List.of();
		List<Candidate> lexicalHits = List.of();
		Boolean exact = null;
		AdapterRegistry.Selected adapter = AdapterRegistry.NONE;
		float[][] queryTokens = null;
		if (mode != Mode.LEXICAL || stored) {
			long t = System.nanoTime();
			float[] vector;
			if (stored) {
				// the query's token vectors come from the call that gives its dense vector
				EmbeddingClient.QueryVectors both = this.embeddings.embedQueryWithTokens(collection.embeddingModel(),
						task, request.query());
				vector = both.vector();
				queryTokens = both.tokens();
			}
			else {
				vector = this.embeddings.embedQuery(collection.embeddingModel(), task, request.query());
			}
			timings.put("embedMs", millis(t));
			if (mode != Mode.LEXICAL) {
				adapter = this.adapters.select(collection, request.adapter(), task);
				t = System.nanoTime();
				AdapterRegistry.Selected chosen = adapter;
				DenseSearch.Result result = step("dense").observe(() -> this.dense.search(collection,
						chosen.apply(vector), filter, depth, efSearch, request.exact()));
				timings.put("denseMs", millis(t));
				denseHits = result.candidates();
				exact = result.exact();
			}
		}
		if (mode != Mode.DENSE) {
			long t = System.nanoTime();
			lexicalHits = step("lexical").observe(() -> this.lexical.search(collection, request.query(), filter,
					depth, request.fresh()));
			timings.put("lexicalMs", millis(t));
		}
		List<ChunkHit> hits = switch (mode) {
			case DENSE -> single(denseHits, "dense");
			case LEXICAL -> single(lexicalHits, "lexical");
			case HYBRID -> {
				List<Candidate> fromDense = denseHits;
				List<Candidate> fromLexical = lexicalHits;
				yield step("fusion").observe(() -> fuse(fromDense, fromLexical));
			}
		};
		String rerankError = null;
		String reranker = null;
		String rerankNote = null;
		boolean reranked = false;
		if (rerank && !hits.isEmpty()) {
			long t = System.nanoTime();
			Observation rerankStep = step("rerank").start();
			try (Observation.Scope scope = rerankStep.openScope()) {
				List<ChunkHit> head = hits.subList(0, Math.min(rerankTopN, hits.size()));
				double[] scores = stored ? this.lateInteraction.scores(collection, queryTokens, head) : null;
				if (scores != null) {
					hits = reorder(hits, head, scores);
					reranked = true;
					reranker = "late-interaction (stored " + collection.tokenStorage().id() + ")";
				}
				else {
					if (collection.tokenStorage() == null) {
						rerankNote = "collection '" + collection.name() + "' stores no token vectors";
					}
					else if (stored) {
						rerankNote = "some candidates have no stored token vectors (indexed before the collection "
								+ "kept them, or changed since)";
					}
					if (asked) {
						try {
							hits = rerank(request.query(), hits, head.size());
							reranked = true;
							reranker = "rerank-service";
						}
						catch (RuntimeException ex) {
							// the class says what kind of failure; its message (hosts, a peer's body) stays in the log
							// an open breaker's message is ours (no host, no peer's body): say it as it is
							rerankError = ((ex instanceof ServiceClient.CircuitOpenException) ? ex.getMessage()
									: "rerank-service failed (" + ex.getClass().getSimpleName() + ")")
									+ "; results are not reranked";
							logger.warn("Rerank failed, answering un-reranked: {}", ex.toString());
							rerankStep.error(ex); // the search answers, but its rerank step failed
						}
					}
					else {
						// a default rerank is a cheap one or none: seconds of re-encoding are only spent when asked
						rerankNote += "; not reranked (ask with rerank.enabled to rerank with rerank-service)";
					}
				}
			}
			catch (RuntimeException ex) {
				rerankStep.error(ex);
				throw ex;
			}
			finally {
				rerankStep.stop();
			}
			timings.put("rerankMs", millis(t));
		}
		hits = withDocuments(collection, hits.subList(0, Math.min(topK, hits.size())));
		timings.put("totalMs", millis(started));
		return new SearchResponse(collection.name(), mode.name().toLowerCase(Locale.ROOT),
				(mode != Mode.LEXICAL) ? task : null, exact, rerank ? reranked : null, rerankError, adapter.name(), hits,
				timings, reranker, rerankNote);
	}

	/** A step of a search as its own span ({@code search dense}…) and timer ({@code rag.retrieval.search.step}). */
	private Observation step(String name) {
		return Observation.createNotStarted("rag.retrieval.search.step", this.observations)
			.contextualName("search " + name)
			.lowCardinalityKeyValue("step", name);
	}

	/** An exact scan of a large collection costs a full pass over its vectors: only admin callers may force it. */
	private void requireExactAllowed(Collection collection, Boolean exact, boolean admin) {
		int most = this.properties.search().maxExactChunks();
		if (Boolean.TRUE.equals(exact) && !admin && collection.chunkCount() > most) {
			throw ServiceProblem.forbidden("exact: true scans all " + collection.chunkCount() + " chunks of '"
					+ collection.name() + "', more than rag.retrieval.search.max-exact-chunks (" + most + "): that needs "
					+ "an admin key. Leave exact out to search the index (exact scans are chosen by themselves for "
					+ "small or narrowly filtered collections).");
		}
	}

	SearchResponse searchByVector(VectorSearchRequest request, boolean admin) {
		long started = System.nanoTime();
		Collection collection = this.collections.get(request.collection());
		requireExactAllowed(collection, request.exact(), admin);
		if (request.vector() == null || request.vector().length != collection.dimensions()) {
			throw ServiceProblem.badRequest("vector must have " + collection.dimensions() + " dimensions, not "
					+ ((request.vector() != null) ? request.vector().length : 0));
		}
		for (float v : request.vector()) {
			if (!Float.isFinite(v)) {
				throw ServiceProblem.badRequest("vector components must be finite numbers");
			}
		}
		int topK = topK(request.topK());
		String filter = compile(request.filter());
		long t = System.nanoTime();
		DenseSearch.Result result = this.dense.search(collection, request.vector(), filter, topK,
				efSearch(request.efSearch()), request.exact());
		Map<String, Double> timings = new LinkedHashMap<>();
		timings.put("denseMs", millis(t));
		List<ChunkHit> hits = withDocuments(collection, single(result.candidates(), "dense"));
		timings.put("totalMs", millis(started));
		return new SearchResponse(collection.name(), "dense", null, result.exact(), null, null, "none", hits,
				timings, null, null);
	}

	/**
	 * A teacher's ranking for adapter distillation: the chunks of a hybrid search without any adapter, reranked by
	 * rerank-service when {@code rerank} (a failed rerank is an error here, not a silent fallback).
	 */
	@Override
	public List<ChunkRef> ranking(String collection, String query, String task, int depth, boolean rerank) {
		SearchResponse response = search(new SearchRequest(collection, query, task, depth, "hybrid", null,
				rerank ? new Rerank(true, depth) : null, null, null, "none", null), true);
		if (rerank && !Boolean.TRUE.equals(response.reranked())) {
			throw ServiceProblem.dependencyUnavailable("the rerank teacher failed: " + response.rerankError());
		}
		return response.results().stream().map((h) -> new ChunkRef(h.documentId(), h.chunkIndex())).toList();
	}

	private List<ChunkHit> single(List<Candidate> candidates, String stage) {
		List<ChunkHit> hits = new ArrayList<>(candidates.size());
		for (int i = 0; i < candidates.size(); i++) {
			Candidate c = candidates.get(i);
			hits.add(hit(c, c.score(), Map.of(stage, c.score()), Map.of(stage, i + 1)));
		}
		return hits;
	}

	/** Reciprocal rank fusion: {@code Σ 1 / (k + rank)} over the rankings a chunk appears in. */
	private List<ChunkHit> fuse(List<Candidate> dense, List<Candidate> lexical) {
		int k = this.properties.search().rrfK();
		Map<String, Candidate> chunks = new HashMap<>();
		Map<String, Map<String, Double>> scores = new HashMap<>();
		Map<String, Map<String, Integer>> ranks = new HashMap<>();
		Map<String, Double> fused = new HashMap<>();
		for (var ranking : List.of(Map.entry("dense", dense), Map.entry("lexical", lexical))) {
			List<Candidate> list = ranking.getValue();
			for (int i = 0; i < list.size(); i++) {
				Candidate c = list.get(i);
				chunks.putIfAbsent(c.key(), c);
				scores.computeIfAbsent(c.key(), (x) -> new LinkedHashMap<>()).put(ranking.getKey(), c.score());
				ranks.computeIfAbsent(c.key(), (x) -> new LinkedHashMap<>()).put(ranking.getKey(), i + 1);
				fused.merge(c.key(), 1.0 / (k + i + 1), Double::sum);
			}
		}
		List<String> order = new ArrayList<>(fused.keySet());
		order.sort(Comparator.comparing((String key) -> -fused.get(key)).thenComparing(Comparator.naturalOrder()));
		List<ChunkHit> hits = new ArrayList<>(order.size());
		for (String key : order) {
			Map<String, Double> stageScores = scores.get(key);
			stageScores.put("fused", fused.get(key));
			hits.add(hit(chunks.get(key), fused.get(key), stageScores, ranks.get(key)));
		}
		return hits;
	}

	private List<ChunkHit> rerank(String query, List<ChunkHit> hits, int topN) {
		List<ChunkHit> head = hits.subList(0, Math.min(topN, hits.size()));
		return reorder(hits, head, this.reranker.scores(query, head.stream().map(ChunkHit::text).toList()));
	}

	/** The head in the order of its rerank scores, then the rest of the hits in retrieval order. */
	private static List<ChunkHit> reorder(List<ChunkHit> hits, List<ChunkHit> head, double[] scores) {
		List<ChunkHit> reranked = new ArrayList<>(head.size());
		for (int i = 0; i < head.size(); i++) {
			ChunkHit hit = head.get(i);
			Map<String, Double> stageScores = new LinkedHashMap<>(hit.scores());
			stageScores.put("rerank", scores[i]);
			reranked.add(hit.withScore(scores[i], stageScores));
		}
		reranked.sort(Comparator.comparingDouble(ChunkHit::score).reversed());
		for (int i = 0; i < reranked.size(); i++) {
			Map<String, Integer> stageRanks = new LinkedHashMap<>(reranked.get(i).ranks());
			stageRanks.put("rerank", i + 1);
			reranked.set(i, reranked.get(i).withRanks(stageRanks));
		}
		// candidates beyond topN follow in retrieval order (no rerank score), so topK > topN still gives topK
		reranked.addAll(hits.subList(head.size(), hits.size()));
		return reranked;
	}

	/** Adds each hit's document title and external id (one query for all hits). */
	private List<ChunkHit> withDocuments(Collection collection, List<ChunkHit> hits) {
		if (hits.isEmpty()) {
			return hits;
		}
		Map<String, String[]> documents = new HashMap<>();
		this.jdbc.query("SELECT document_id, title, external_id FROM retrieval.documents WHERE collection_id = ? "
				+ "AND document_id = ANY (?)", (rs) -> {
					documents.put(rs.getString(1), new String[] { rs.getString(2), rs.getString(3) });
				}, collection.id(), hits.stream().map(ChunkHit::documentId).distinct().toArray(String[]::new));
		return hits.stream().map((h) -> {
			String[] doc = documents.get(h.documentId());
			return (doc != null) ? h.withDocument(doc[0], doc[1]) : h;
		}).toList();
	}

	private String filter(SearchRequest request) {
		return compile(request.filter());
	}

	private static String compile(tools.jackson.databind.JsonNode filter) {
		try {
			return MetadataFilter.compile(filter);
		}
		catch (MetadataFilter.InvalidFilterException ex) {
			throw ServiceProblem.badRequest("filter: " + ex.getMessage());
		}
	}

	private int topK(Integer topK) {
		int value = (topK != null) ? topK : this.properties.search().defaultTopK();
		if (value < 1 || value > this.properties.search().maxTopK()) {
			throw ServiceProblem.badRequest("topK must be between 1 and " + this.properties.search().maxTopK());
		}
		return value;
	}

	private int efSearch(Integer efSearch) {
		int value = (efSearch != null) ? efSearch : this.properties.search().efSearch();
		if (value < 1 || value > 1000) {
			throw ServiceProblem.badRequest("efSearch must be between 1 and 1000");
		}
		return value;
	}

	private int rerankTopN(Integer topN, boolean stored) {
		// the rest of the topK follow the reranked ones in retrieval order: a deep topK does not make a deep rerank
		int value = (topN != null) ? topN
				: stored ? this.properties.rerank().lateInteractionTopN() : this.properties.rerank().defaultTopN();
		if (value < 1 || value > this.properties.rerank().maxTopN()) {
			throw ServiceProblem.badRequest("rerank.topN must be between 1 and " + this.properties.rerank().maxTopN());
		}
		return value;
	}

	private static double millis(long startNanos) {
		return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
	}


	private static ChunkHit hit(Candidate c, double score, Map<String, Double> scores, Map<String, Integer> ranks) {
		return new ChunkHit(c.documentId(), c.version(), c.chunkIndex(), null, null, c.text(), c.startOffset(),
				c.endOffset(), METADATA.readTree(c.metadata()), score, scores, ranks);
	}

}
