package dev.ragplatform.llm.retrieval;

import java.util.List;
import java.util.Optional;

import dev.ragplatform.contracts.search.ChunkHit;
import dev.ragplatform.contracts.search.Rerank;
import dev.ragplatform.contracts.search.SearchRequest;
import dev.ragplatform.contracts.search.SearchResponse;
import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.runtime.http.ServiceClient;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * retrieval-service over HTTP: search ({@code POST /v1/search}) and document lookups. A 400 or 404 from it becomes
 * the same status here with its {@code detail} (the caller named a wrong collection or filter); an outage becomes
 * 503, since without retrieval nothing can be answered.
 */
@Component
public class RetrievalClient {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(RetrievalClient.class);

	/** Turns a filter given as maps and lists into the contract's JSON. */
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ServiceClient retrieval;

	RetrievalClient(RestClient.Builder builder, LlmAdapterProperties properties, MeterRegistry meters) {
		this.retrieval = ServiceClient.create(builder, "retrieval-service", properties.retrieval().url(),
				properties.retrieval().timeout(), ServiceClient.Policy.defaults(), meters);
	}

	/** Searches one collection; results best first. */
	public List<Hit> search(Search search) {
		return searchResults(search).hits();
	}

	/** As {@link #search(Search)}, with the adapter the search used. */
	public Results searchResults(Search search) {
		JsonNode filter = (search.filter() == null || search.filter() instanceof JsonNode) ? (JsonNode) search.filter()
				: JSON.valueToTree(search.filter());
		SearchRequest body = new SearchRequest(search.collection(), search.query(), search.task(), search.topK(),
				search.mode(), filter, new Rerank(search.rerank(), null), null, null, null, null);
		SearchResponse response = call(
				(http) -> http.post().uri("/v1/search").body(body).retrieve().body(SearchResponse.class));
		List<Hit> hits = (response.results() == null) ? List.of()
				: response.results().stream().map(Hit::of).toList();
		String rescoring = !search.rerank() ? null
				: Boolean.TRUE.equals(response.reranked()) ? response.reranker()
						: "not re-scored: " + ((response.rerankError() != null) ? response.rerankError() : "no rerank step ran");
		return new Results(hits, (response.adapter() != null) ? response.adapter() : "none", rescoring);
	}

	/**
	 * A search's chunks, the task adapter retrieval-service applied to its query vector ({@code none}, or the
	 * adapter's id) and, when a rerank was asked for, what re-scored the hits ({@code late-interaction (stored …)},
	 * {@code rerank-service}) or why nothing did ({@code not re-scored: …}; the hits are then in search order).
	 */
	public record Results(List<Hit> hits, String adapter, String rescoring) {

		public boolean adapted() {
			return !"none".equals(this.adapter);
		}

	}

	/** Whether the collection holds an indexed (not deleted) document with this id. */
	public boolean exists(String collection, String documentId) {
		return document(collection, documentId).isPresent();
	}

	/** The indexed document's view ({@code title}, {@code externalId}, {@code chunks}), empty when it has none. */
	public Optional<JsonNode> document(String collection, String documentId) {
		try {
			JsonNode document = call((http) -> http.get()
				.uri("/v1/collections/{c}/documents/{id}", collection, documentId)
				.retrieve()
				.body(JsonNode.class));
			return document.path("deleted").asBoolean(false) ? Optional.empty() : Optional.of(document);
		}
		catch (ServiceProblem problem) {
			if (problem.getStatusCode().value() == 404) {
				return Optional.empty();
			}
			throw problem;
		}
	}

	/** Fails with 404 when the collection does not exist. */
	public JsonNode collection(String name) {
		return call((http) -> http.get().uri("/v1/collections/{c}", name).retrieve().body(JsonNode.class));
	}

	/** Every call here reads (a search changes nothing): safe to repeat. */
	private <T> T call(java.util.function.Function<RestClient, T> request) {
		try {
			T body = this.retrieval.idempotent(request);
			if (body == null) {
				throw ServiceProblem.dependencyUnavailable("retrieval-service answered without a body.");
			}
			return body;
		}
		catch (HttpClientErrorException ex) {
			String detail = ServiceProblem.detailOf(ex);
			HttpStatusCode status = ex.getStatusCode();
			if (status.value() == 404) {
				throw ServiceProblem.notFound(detail);
			}
			if (status.value() == 400) {
				throw ServiceProblem.badRequest(detail);
			}
			throw ServiceProblem.dependencyUnavailable("retrieval-service answered " + status.value() + ": " + detail);
		}
		catch (RestClientResponseException ex) {
			// what a failing peer says (its body, its hosts) is logged here, not handed to our caller
			logger.warn("retrieval-service answered {}: {}", ex.getStatusCode().value(), ex.getResponseBodyAsString());
			throw ServiceProblem.dependencyUnavailable(
					"retrieval-service answered " + ex.getStatusCode().value() + "; try again later");
		}
		catch (ResourceAccessException ex) {
			logger.warn("retrieval-service is unreachable: {}", ex.toString());
			throw ServiceProblem.dependencyUnavailable("retrieval-service is unreachable; try again later");
		}
	}


	/**
	 * One search.
	 *
	 * @param collection the collection
	 * @param query the text
	 * @param mode {@code dense}, {@code lexical} or {@code hybrid}
	 * @param task LLM-Embedder task of the query, null for the collection's default
	 * @param topK how many chunks
	 * @param filter metadata filter (retrieval-service's JSON), or null
	 * @param rerank whether retrieval-service reranks the candidates
	 */
	public record Search(String collection, String query, String mode, String task, int topK, Object filter,
			boolean rerank) {

		public static Search of(String collection, String query, String mode, int topK) {
			return new Search(collection, query, mode, null, topK, null, false);
		}

		public Search withTask(String task) {
			return new Search(this.collection, this.query, this.mode, task, this.topK, this.filter, this.rerank);
		}

		public Search withFilter(Object filter) {
			return new Search(this.collection, this.query, this.mode, this.task, this.topK, filter, this.rerank);
		}

		public Search withRerank(boolean rerank) {
			return new Search(this.collection, this.query, this.mode, this.task, this.topK, this.filter, rerank);
		}

	}

	/**
	 * One chunk found.
	 *
	 * @param documentId the document (retrieval-service's id)
	 * @param externalId the id its owner gave it, if any
	 * @param title its title, if any
	 * @param chunkIndex which chunk
	 * @param text the chunk's text
	 * @param startOffset where the chunk starts in the parsed document
	 * @param endOffset where it ends
	 * @param score the final score of the search
	 * @param metadata the chunk's metadata (a missing node when none)
	 */
	public record Hit(String documentId, String externalId, String title, int chunkIndex, String text, int startOffset,
			int endOffset, double score, JsonNode metadata) {

		static Hit of(ChunkHit hit) {
			return new Hit(hit.documentId(), hit.externalId(), hit.title(), hit.chunkIndex(),
					(hit.text() != null) ? hit.text() : "", hit.startOffset(), hit.endOffset(), hit.score(),
					(hit.metadata() != null) ? hit.metadata() : MissingNode.getInstance());
		}

	}

}
