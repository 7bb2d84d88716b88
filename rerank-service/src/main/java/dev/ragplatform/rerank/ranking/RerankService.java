package dev.ragplatform.rerank.ranking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.rerank.config.RerankProperties;
import dev.ragplatform.rerank.model.DocumentTooLongException;
import dev.ragplatform.rerank.model.QueryTooLongException;
import dev.ragplatform.rerank.model.RerankModels;
import dev.ragplatform.rerank.model.RerankOptions;
import dev.ragplatform.rerank.model.Reranker;
import dev.ragplatform.rerank.model.Scores;
import dev.ragplatform.rerank.model.UnknownModelException;
import dev.ragplatform.runtime.batching.DeadlineExceededException;
import dev.ragplatform.runtime.batching.QueueFullException;
import dev.ragplatform.runtime.metrics.RequestMeter;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Turns a request into ranked documents: checks it against the limits, has the model score every document within
 * the request deadline, and sorts by score (ties: input order), cut to {@code top_n}.
 */
@Service
class RerankService {

	private final RerankModels models;

	private final RerankProperties properties;

	private final MeterRegistry meters;

	private final RequestMeter requests;

	RerankService(RerankModels models, RerankProperties properties, MeterRegistry meters) {
		this.models = models;
		this.properties = properties;
		this.meters = meters;
		this.requests = new RequestMeter(meters, "rag.rerank.requests");
	}

	Ranking rerank(RerankCommand command, String api) {
		return this.requests.count(api, () -> doRerank(command));
	}

	private Ranking doRerank(RerankCommand command) {
		Reranker model = model(command.model());
		check(command);
		long timeout = this.properties.batching().requestTimeout().toNanos();
		RerankOptions options = new RerankOptions(command.maxTokensPerDoc(), command.truncate(), command.rawScores(),
				System.nanoTime() + timeout);
		Scores scores;
		try {
			scores = model.score(command.query(), command.documents(), options);
		}
		catch (QueryTooLongException ex) {
			throw ServiceProblem.badRequest(ex.getMessage());
		}
		catch (DocumentTooLongException ex) {
			throw ServiceProblem.tooLarge("Input too large", ex.getMessage());
		}
		catch (QueueFullException ex) {
			throw ServiceProblem.overloaded(
					"The rerank queue is full; retry in " + ex.retryAfterSeconds() + " s.", ex.retryAfterSeconds());
		}
		catch (DeadlineExceededException ex) {
			throw ServiceProblem.deadlineExceeded("The documents were not scored within " + timeout / 1_000_000
					+ " ms and their work was dropped; retry later or send fewer documents per request.");
		}
		String name = model.descriptor().name();
		this.meters.counter("rag.rerank.pairs", "model", name).increment(command.documents().size());
		List<Ranked> ranked = new ArrayList<>(scores.scores().length);
		for (int i = 0; i < scores.scores().length; i++) {
			ranked.add(new Ranked(i, scores.scores()[i]));
		}
		ranked.sort(Comparator.comparingDouble((Ranked r) -> -r.score()).thenComparingInt(Ranked::index));
		int topN = (command.topN() != null) ? Math.min(command.topN(), ranked.size()) : ranked.size();
		return new Ranking(name, List.copyOf(ranked.subList(0, topN)), scores.tokens(), scores.truncated());
	}

	Reranker model(String name) {
		try {
			return this.models.get(name);
		}
		catch (UnknownModelException ex) {
			throw ServiceProblem.of(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Unknown model", ex.getMessage());
		}
	}

	private void check(RerankCommand command) {
		RerankProperties.Limits limits = this.properties.limits();
		String query = command.query();
		if (query == null || query.isBlank()) {
			throw ServiceProblem.badRequest("query is required: a non-empty string");
		}
		if (query.length() > limits.maxQueryChars()) {
			throw ServiceProblem.tooLarge("Input too large", "the query has " + query.length() + " characters; at most "
					+ limits.maxQueryChars() + " are allowed");
		}
		List<String> documents = command.documents();
		if (documents.isEmpty()) {
			throw ServiceProblem.badRequest("documents must not be empty");
		}
		if (documents.size() > limits.maxDocuments()) {
			throw ServiceProblem.badRequest(documents.size() + " documents in one request; at most "
					+ limits.maxDocuments() + " are allowed");
		}
		for (int i = 0; i < documents.size(); i++) {
			if (documents.get(i).length() > limits.maxDocumentChars()) {
				throw ServiceProblem.tooLarge("Input too large", "document " + i + " has " + documents.get(i).length()
						+ " characters; at most " + limits.maxDocumentChars() + " are allowed");
			}
		}
		if (command.topN() != null && command.topN() < 1) {
			throw ServiceProblem.badRequest("top_n must be at least 1, not " + command.topN());
		}
		if (command.maxTokensPerDoc() != null && command.maxTokensPerDoc() < 1) {
			throw ServiceProblem.badRequest("max_tokens_per_doc must be at least 1, not " + command.maxTokensPerDoc());
		}
	}

	/** One document's place: its index in the request and its score. */
	record Ranked(int index, float score) {
	}

	/**
	 * The ranked documents of one request (best first, cut to top_n).
	 * @param tokens the tokens the model ran
	 * @param truncated how many documents were cut to fit
	 */
	record Ranking(String model, List<Ranked> results, long tokens, int truncated) {
	}

}
