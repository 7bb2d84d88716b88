package dev.ragplatform.llm.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Everything llm-adapter can be told ({@code rag.llm.*}); defaults in {@code application.yaml}.
 *
 * @param provider {@code none} (retrieval only, the default) or {@code openai} (any OpenAI-compatible server:
 * vLLM, Ollama's {@code /v1}, OpenAI, Azure OpenAI's v1 endpoint)
 * @param baseUrl the server's base URL, e.g. {@code http://127.0.0.1:11434/v1}
 * @param model the chat model to ask for
 * @param apiKey the bearer key, blank for servers that take none
 * @param timeout the most one LLM call may take before retrieval answers alone
 * @param temperature sampling temperature (0 for repeatable answers)
 * @param maxTokens the most tokens one answer may have
 * @param resilience circuit breaker and bulkhead around the LLM
 * @param retrieval retrieval-service
 * @param citations citation prediction
 * @param apis API recommendation
 */
@Validated
@ConfigurationProperties("rag.llm")
public record LlmAdapterProperties(@NotNull Provider provider, URI baseUrl, String model, String apiKey,
		@NotNull Duration timeout, double temperature, @Min(16) int maxTokens, @Valid @NotNull Resilience resilience,
		@Valid @NotNull Retrieval retrieval, @Valid @NotNull Citations citations, @Valid @NotNull Apis apis) {

	public LlmAdapterProperties {
		if (provider == Provider.OPENAI && (baseUrl == null || model == null || model.isBlank())) {
			throw new IllegalArgumentException("rag.llm.provider=openai needs rag.llm.base-url and rag.llm.model");
		}
	}

	/** Who answers the LLM calls. */
	public enum Provider {

		/** Nobody: every endpoint answers from retrieval alone ({@code mode: "retrieval"}). */
		NONE,

		/** An OpenAI-compatible chat completions server. */
		OPENAI

	}

	/**
	 * Resilience4j around every LLM call; when it trips, answers come from retrieval and say so.
	 *
	 * @param failureRateThreshold percentage of failed calls (of the last 20) that opens the circuit
	 * @param openFor how long the circuit stays open
	 * @param maxConcurrentCalls LLM calls in flight at once (bulkhead); more wait up to {@code maxWait}
	 * @param maxWait how long a call waits for a bulkhead slot before degrading
	 */
	public record Resilience(@Min(1) @Max(100) int failureRateThreshold, @NotNull Duration openFor,
			@Min(1) int maxConcurrentCalls, @NotNull Duration maxWait) {
	}

	/**
	 * retrieval-service, which owns every collection.
	 *
	 * @param url its base URL
	 * @param timeout per search
	 */
	public record Retrieval(@NotNull URI url, @NotNull Duration timeout) {
	}

	/**
	 * Citation prediction.
	 *
	 * @param charsBefore characters of text before a citation marker that form its context
	 * @param charsAfter characters after it
	 * @param maxContexts the most marker contexts one request may search (the rest are ignored and reported)
	 * @param maxPassages the most whole-text passages one request searches (evenly thinned)
	 * @param wholeText whether a text with markers is also searched whole, in passages, by default
	 * @param wholeTextWeight the weight of the whole text's ranking against the markers' (1) when both are searched
	 * @param wholeTextCoverage the share of a text its markers' windows must cover for it to be searched whole instead
	 * of per marker (above 1: never)
	 * @param mergeGap a marker at most this many characters after the previous one shares its context (a list of
	 * citations is one place); negative: every marker its own context
	 * @param wholeQueryChars a text this long or shorter is searched whole, as one query, markers or not (as a plain
	 * search of it would be; 0: never); at most retrieval-service's longest query
	 * (16,384 by default), and the dense side sees only the model's first 512 tokens of it anyway
	 * @param candidatesPerContext hits retrieved per context before aggregation per document
	 * @param llmCandidates documents shown to the LLM to choose from
	 * @param maxTextChars the longest text accepted
	 */
	public record Citations(@Min(0) int charsBefore, @Min(0) int charsAfter, @Min(1) int maxContexts,
			@Min(1) int maxPassages, boolean wholeText, @DecimalMin("0.0") @DecimalMax("100.0") double wholeTextWeight,
			@DecimalMin("0.0") double wholeTextCoverage, @Min(-1) int mergeGap, @Min(0) @Max(16384) int wholeQueryChars,
			@Min(1) @Max(1000) int candidatesPerContext, @Min(1) @Max(100) int llmCandidates,
			@Min(1) int maxTextChars) {
	}

	/**
	 * API recommendation.
	 *
	 * @param examplesPerSource examples selected by each of the lexical, syntactic and semantic selectors
	 * @param apiCandidates API documents retrieved per query
	 * @param maxQueryChars the longest question accepted
	 * @param ingestUrl ingest-service, which solved examples imported from a CSV are submitted to
	 * @param examplesTask LLM-Embedder task of the semantic example search, blank for the collection's default
	 * @param apiTask task of the dense API documentation search (e.g. {@code tool}), blank for the collection's
	 * default
	 * @param llmExamples selected examples shown to the LLM (the highest weighted)
	 * @param llmCandidates API candidates (the best fused) shown to the LLM with signature and summary
	 * @param correctionThreshold the least name similarity (0–1) at which an API the LLM named but the collection
	 * lacks is corrected to an existing one instead of dropped
	 * @param rerankExamples whether the semantic selector's examples are re-scored by retrieval-service's rerank
	 * (late interaction over the examples' stored token vectors, else rerank-service) before they vote
	 * @param rerankDocuments whether the dense ranking of the API documents is re-scored the same way before it is
	 * fused
	 * @param weights how selectors and rankings are weighted
	 */
	public record Apis(@Min(1) @Max(100) int examplesPerSource, @Min(1) @Max(1000) int apiCandidates,
			@Min(1) int maxQueryChars, @NotNull URI ingestUrl, String examplesTask, String apiTask,
			@Min(1) @Max(100) int llmExamples, @Min(1) @Max(100) int llmCandidates,
			@DecimalMin("0.0") @DecimalMax("1.0") double correctionThreshold, boolean rerankExamples,
			boolean rerankDocuments,
			@Valid @NotNull Weights weights) {

		/**
		 * Weights of API recommendation's fusion. An example's vote weight is {@code Σ source weight × its score /
		 * the best score of that source}; APIs are ranked by weighted reciprocal rank fusion of the example votes,
		 * the dense and the lexical ranking of the API documents.
		 *
		 * @param semantic the semantic (dense) example selector
		 * @param lexical the lexical (BM25) example selector
		 * @param syntactic the syntactic (verb–object, POS pattern) example selector
		 * @param votes the ranking by example votes
		 * @param documents the dense ranking of API documents
		 * @param adaptedDocuments the same when retrieval-service ranked them with a task adapter (the collection's
		 * active adapter, trained on solved examples: a much better ranking than the plain embedding's)
		 * @param names the lexical ranking of API documents (their text leads with the qualified name and
		 * signature)
		 * @param rrfK the k of reciprocal rank fusion
		 */
		public record Weights(@DecimalMin("0.0") double semantic, @DecimalMin("0.0") double lexical,
				@DecimalMin("0.0") double syntactic, @DecimalMin("0.0") double votes,
				@DecimalMin("0.0") double documents, @DecimalMin("0.0") double adaptedDocuments,
				@DecimalMin("0.0") double names, @Min(0) int rrfK) {
		}

	}

}
