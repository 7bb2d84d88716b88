package dev.ragplatform.retrieval.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the retrieval service can be told ({@code rag.retrieval.*}); defaults in {@code application.yaml}.
 *
 * @param embedding where query vectors come from
 * @param rerank the rerank step
 * @param collections defaults of new collections
 * @param search search limits and tuning
 * @param index the Kafka indexer
 * @param adapters task adapters: training defaults and limits
 * @param lexical the lexical index each replica keeps beside PostgreSQL
 */
@Validated
@ConfigurationProperties("rag.retrieval")
public record RetrievalProperties(@Valid @NotNull Embedding embedding, @Valid @NotNull Rerank rerank,
		@Valid @NotNull Collections collections, @Valid @NotNull Search search, @Valid @NotNull Index index,
		@Valid @NotNull Adapters adapters, @Valid @NotNull Lexical lexical) {

	/**
	 * The lexical index: a Lucene index per collection in each replica, built from and kept in step with PostgreSQL,
	 * scored with exactly the BM25 of the SQL.
	 *
	 * @param enabled false: every lexical search computes BM25 in SQL
	 * @param directory where the indexes live; blank: a temporary directory of this process, built again at each
	 * start. A persistent one lets a restarted replica catch up from its last commit instead (one per replica)
	 * @param pollInterval how often the replica applies what was committed since its last catch-up
	 * @param readYourWrites whether a search that does not say ({@code fresh}) first applies every change committed
	 * before it (one small SQL round trip when nothing changed)
	 * @param commitInterval how often a persistent index is committed with its watermark
	 * @param maxFilterChunks a filtered lexical search whose filter lets more chunks through is computed in SQL
	 * @param keepRarestTerms search only this many of a query's terms, those in the fewest chunks; 0 keeps all
	 * (docs/experiments/retrieval-service-lexical-index.md measures it on FIRE)
	 */
	public record Lexical(boolean enabled, String directory, @NotNull Duration pollInterval, boolean readYourWrites,
			@NotNull Duration commitInterval, @Min(0) int maxFilterChunks, @Min(0) int keepRarestTerms) {
	}

	/**
	 * The embedding service.
	 *
	 * @param url its base URL
	 * @param timeout per call
	 */
	public record Embedding(@NotNull URI url, @NotNull Duration timeout) {
	}

	/**
	 * The rerank service, called through a circuit breaker; on failure results come back un-reranked.
	 *
	 * @param url its base URL (Cohere/Jina-compatible {@code POST /v1/rerank})
	 * @param model the model to ask for, or blank for the service's default
	 * @param timeout per call
	 * @param defaultTopN how many candidates rerank-service reranks when a request does not say
	 * @param maxTopN the most candidates a request may rerank
	 * @param failureRateThreshold percentage of failed calls that opens the circuit
	 * @param openFor how long the circuit stays open before trying again
	 * @param lateInteractionTopN how many candidates MaxSim over stored token vectors reranks when a request does not say
	 * @param lateInteractionByDefault whether a search that does not mention rerank is reranked over stored token
	 * vectors, where its collection keeps them
	 */
	public record Rerank(@NotNull URI url, String model, @NotNull Duration timeout, @Min(1) int defaultTopN,
			@Min(1) int maxTopN, @Min(1) @Max(100) int failureRateThreshold, @NotNull Duration openFor,
			@Min(1) int lateInteractionTopN, boolean lateInteractionByDefault) {
	}

	/**
	 * Defaults for collections created without these settings.
	 *
	 * @param embeddingModel the embedding-service model
	 * @param defaultTask the LLM-Embedder task whose instructions embed queries and documents
	 * @param language PostgreSQL text search configuration for lexical search
	 * @param hnswM HNSW graph degree
	 * @param hnswEfConstruction HNSW build-time candidate list
	 * @param chunkTargetTokens most tokens per chunk (ingest-service's chunker; below the model's 512)
	 * @param chunkOverlapTokens tokens a chunk repeats from the previous one
	 * @param tokenStorage how chunks' token vectors are stored for late interaction ({@code binary}, {@code int8},
	 * {@code float32}, or {@code none})
	 * @param maxTokenBytesPerChunk what a full chunk's token vectors may take in base64 of its Kafka record
	 * (ingest-service's {@code rag.ingest.pipeline.max-record-size}, 900 KB by default, less room for the text): a
	 * collection whose chunks would not fit is refused with a 400; raise both with the broker's
	 * {@code message.max.bytes}
	 */
	public record Collections(@NotBlank String embeddingModel, @NotBlank String defaultTask,
			@NotBlank String language, @Min(2) @Max(100) int hnswM, @Min(4) @Max(1000) int hnswEfConstruction,
			@Min(16) @Max(8192) int chunkTargetTokens, @Min(0) int chunkOverlapTokens, @NotBlank String tokenStorage,
			@NotNull DataSize maxTokenBytesPerChunk) {
	}

	/**
	 * Search.
	 *
	 * @param defaultTopK results when a request does not say
	 * @param maxTopK the most results a request may ask for
	 * @param candidates how deep each ranking goes before fusion or reranking (at least topK)
	 * @param efSearch default HNSW {@code ef_search}
	 * @param exactScanThreshold a filtered (or small) collection with at most this many matching chunks is searched
	 * exactly, by a scan, instead of through the HNSW index
	 * @param maxScanTuples pgvector's {@code hnsw.max_scan_tuples} for iterative scans under a filter
	 * @param rrfK the constant of reciprocal rank fusion
	 * @param bm25K1 BM25 term-frequency saturation
	 * @param bm25B BM25 length normalisation
	 * @param maxQueryCharacters the longest query text (400 above it)
	 * @param maxQueryTerms the most distinct terms (lexemes of the collection's language) a lexical or hybrid query
	 * may have (400 above it): BM25 reads every chunk holding any of them
	 * @param statementTimeout the longest one SQL statement of a search may run (then 503)
	 * @param maxExactChunks largest collection in which a caller without the admin scope may ask for {@code exact}
	 */
	public record Search(@Min(1) int defaultTopK, @Min(1) @Max(10000) int maxTopK, @Min(1) int candidates,
			@Min(1) @Max(1000) int efSearch, @Min(0) int exactScanThreshold, @Min(1) int maxScanTuples,
			@Min(1) int rrfK, @DecimalMin("0.0") double bm25K1, @DecimalMin("0.0") @jakarta.validation.constraints.DecimalMax("1.0") double bm25B,
			@Min(1) int maxQueryCharacters, @Min(1) int maxQueryTerms, @NotNull Duration statementTimeout,
			@Min(0) int maxExactChunks) {
	}

	/**
	 * The indexer of {@code rag.chunks.v1}.
	 *
	 * @param partitions partitions of the chunk topic and of its dead-letter twin, when this service creates them
	 * @param concurrency consumer threads
	 * @param maxBackoff the longest wait between retries of a record that failed for a transient reason
	 * @param replicationFactor copies of each partition of the topics this service creates
	 * @param minInsyncReplicas copies that must have a record before the broker acknowledges it
	 * @param backfillInterval how often chunks without token vectors are looked for (collections that keep them)
	 * @param backfillBatchSize chunks per embedding-service call of the backfill
	 */
	public record Index(@Min(1) int partitions, @Min(1) int concurrency, @NotNull Duration maxBackoff,
			@Min(1) int replicationFactor, @Min(1) int minInsyncReplicas, @NotNull Duration backfillInterval,
			@Min(1) @Max(2048) int backfillBatchSize) {
	}

	/**
	 * Task adapters (retrieval-service/docs/adapters.md): defaults of training jobs, which a request may override, and limits.
	 *
	 * @param rank r of {@code q' = normalize(q + B·A·q)}
	 * @param epochs most passes over the training queries (training stops earlier when two epochs in a row do not
	 * improve the held-out nDCG@10)
	 * @param batchSize queries per step
	 * @param learningRate Adam's step size
	 * @param weightDecay decoupled weight decay
	 * @param temperature softmax temperature of the scores
	 * @param hardNegatives chunks mined per training query: the closest that are not relevant
	 * @param validationFraction share of the queries held out to decide the best epoch and whether the adapter
	 * beats the unadapted baseline
	 * @param maxValidationQueries at most this many held out
	 * @param teacherDepth chunks of the teacher's ranking each distillation query learns from
	 * @param teacherRankTemperature the teacher's distribution over its ranking: {@code exp(-rank / this)}
	 * @param teacherRelevant the teacher's first documents that count as relevant in distillation's validation
	 * @param maxChunks training loads the collection's vectors into memory: at most this many chunks
	 * @param maxQueries label pairs or distillation queries per job
	 * @param maxPositives positive chunks per labelled query at most (a random sample beyond)
	 * @param maxQueuedJobs jobs waiting behind the running one (more: 429)
	 * @param embedBatchSize queries per embedding-service call while preparing a job
	 * @param activeRefresh how long a search may use a cached answer to "which adapter is active"
	 */
	public record Adapters(@Min(1) @Max(256) int rank, @Min(1) @Max(100) int epochs, @Min(1) int batchSize,
			@DecimalMin("0.0") double learningRate, @DecimalMin("0.0") double weightDecay,
			@DecimalMin("0.0") double temperature, @Min(0) int hardNegatives, @DecimalMin("0.0") double validationFraction,
			@Min(1) int maxValidationQueries, @Min(2) int teacherDepth, @DecimalMin("0.0") double teacherRankTemperature,
			@Min(1) int teacherRelevant, @Min(1) int maxChunks, @Min(1) int maxQueries, @Min(1) int maxPositives, @Min(1) int maxQueuedJobs,
			@Min(1) @Max(2048) int embedBatchSize, @NotNull Duration activeRefresh, @NotNull Duration heartbeat,
			@NotNull Duration staleAfter) {
	}

}
