package dev.ragplatform.llm.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.retrieval.RetrievalClient;
import dev.ragplatform.runtime.http.ServiceClient;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Imports solved examples from a CSV in BIKER's layout into an examples collection, through ingest-service's REST
 * API ({@code POST /v1/collections/{c}/documents}) as any client would: one document per distinct (title, APIs)
 * with text = title and metadata {@code apis}, {@code titleKey}. A submission is idempotent (same external id and
 * content: ingest answers 200 unchanged), so it goes through the idempotent calls of a {@link ServiceClient}
 * (breaker, timeouts, retries of connection failures and 502-504), and a 429 is waited out; any other refusal is
 * reported per example. Indexing goes on asynchronously after the answer.
 */
@Service
class ExampleImporter {

	/** Submissions in flight at once: ingest's intake is cheap, but it shares the machine. */
	static final int CONCURRENCY = 4;

	/** Attempts of a submission ingest answers with 429 (too many requests), waiting 0.5 s, 1 s, 2 s between. */
	static final int ATTEMPTS = 4;

	/** Failures listed in the answer (all are counted). */
	static final int FAILURES_LISTED = 20;

	private final ServiceClient ingest;

	private final RetrievalClient retrieval;

	ExampleImporter(RestClient.Builder builder, RetrievalClient retrieval, LlmAdapterProperties properties,
			MeterRegistry meters) {
		this.ingest = ServiceClient.create(builder, "ingest-service", properties.apis().ingestUrl(),
				Duration.ofSeconds(30), ServiceClient.Policy.defaults(), meters);
		this.retrieval = retrieval;
	}

	Imported importCsv(String collection, String csv) {
		this.retrieval.collection(collection); // 404 before anything is submitted
		ExamplesCsv.Parsed parsed = ExamplesCsv.parse(csv);
		if (parsed.examples().isEmpty()) {
			throw ServiceProblem.badRequest("The CSV holds no example: expected a header ',title,answer' and rows such as "
					+ "0,How to parse an int,['java.lang.Integer.parseInt'] (" + parsed.rows() + " rows, "
					+ parsed.skipped() + " without a title or an API).");
		}
		AtomicInteger submitted = new AtomicInteger();
		AtomicInteger unchanged = new AtomicInteger();
		AtomicInteger failedCount = new AtomicInteger();
		List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
		AtomicReference<ServiceProblem> outage = new AtomicReference<>();
		Semaphore permits = new Semaphore(CONCURRENCY);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (ExamplesCsv.Example example : parsed.examples()) {
				permits.acquireUninterruptibly();
				if (outage.get() != null) {
					permits.release();
					break;
				}
				pool.submit(() -> {
					try {
						if (submit(collection, example)) {
							submitted.incrementAndGet();
						}
						else {
							unchanged.incrementAndGet();
						}
					}
					catch (Refused ex) {
						failedCount.incrementAndGet();
						if (failures.size() < FAILURES_LISTED) {
							failures.add(new Failure(example.externalId(), example.title(), ex.getMessage()));
						}
					}
					catch (ServiceProblem ex) {
						outage.compareAndSet(null, ex);
					}
					finally {
						permits.release();
					}
				});
			}
		}
		if (outage.get() != null) {
			throw ServiceProblem.dependencyUnavailable(outage.get().detail() + " (after " + submitted.get()
					+ " submitted and " + unchanged.get() + " unchanged of " + parsed.examples().size()
					+ " examples; importing again resumes, unchanged ones are skipped by ingest)");
		}
		return new Imported(collection, parsed.rows(), parsed.skipped(), parsed.examples().size(), submitted.get(),
				unchanged.get(), failedCount.get(), List.copyOf(failures));
	}

	/** Submits one example; true when ingest accepted a new version, false when it was unchanged. */
	private boolean submit(String collection, ExamplesCsv.Example example) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("externalId", example.externalId());
		body.put("title", example.title());
		body.put("text", example.title());
		body.put("metadata", example.metadata());
		for (int attempt = 1;; attempt++) {
			try {
				// the client's breaker, timeouts and retries (connection failures, 502-504) apply; a 429 waits here
				ResponseEntity<JsonNode> response = this.ingest.idempotent((http) -> http.post()
					.uri("/v1/collections/{c}/documents", collection)
					.body(body)
					.retrieve()
					.toEntity(JsonNode.class));
				JsonNode answer = response.getBody();
				return response.getStatusCode().value() == 202
						&& (answer == null || !answer.path("unchanged").asBoolean(false));
			}
			catch (HttpClientErrorException ex) {
				if (ex.getStatusCode().value() != 429) {
					throw new Refused(ex.getStatusCode().value() + ": " + ServiceProblem.detailOf(ex));
				}
				if (attempt == ATTEMPTS) {
					throw ServiceProblem.dependencyUnavailable("ingest-service kept answering 429: " + ServiceProblem.detailOf(ex));
				}
			}
			catch (RestClientResponseException ex) {
				throw new Refused(ex.getStatusCode().value() + ": " + ServiceProblem.detailOf(ex));
			}
			catch (ResourceAccessException ex) {
				org.slf4j.LoggerFactory.getLogger(ExampleImporter.class)
					.warn("ingest-service is unreachable: {}", ex.toString());
				throw ServiceProblem.dependencyUnavailable("ingest-service is unreachable; try again later");
			}
			pause(attempt);
		}
	}

	private static void pause(int attempt) {
		try {
			Thread.sleep(250L << attempt); // 0.5 s, 1 s, 2 s
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ServiceProblem.dependencyUnavailable("interrupted while retrying ingest-service");
		}
	}


	/** ingest-service refused one example (4xx, or 5xx on every attempt). */
	private static final class Refused extends RuntimeException {

		Refused(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * What an import did.
	 *
	 * @param collection the examples collection
	 * @param rows data rows read
	 * @param skipped rows without a title or an API
	 * @param examples distinct (title, APIs) pairs
	 * @param submitted examples accepted as new or changed documents (indexing continues after the answer)
	 * @param unchanged examples the collection already held as they are
	 * @param failed examples ingest refused
	 * @param failures the first refusals, with ingest's reason
	 */
	record Imported(String collection, int rows, int skipped, int examples, int submitted, int unchanged, int failed,
			List<Failure> failures) {
	}

	/** One refused example. */
	record Failure(String externalId, String title, String reason) {
	}

}
