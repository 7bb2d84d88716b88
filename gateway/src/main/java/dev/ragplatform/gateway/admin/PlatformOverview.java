package dev.ragplatform.gateway.admin;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.Service;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * What the console's overview page shows, read from the services themselves on each call (nothing is stored): each
 * service's {@code /actuator/health}, retrieval-service's collections with their document and chunk counts,
 * ingest-service's documents per status for each collection (FAILED documents are the ones dead-lettered to
 * {@code rag.documents.v1-dlt}), and counters, consumer lag and the records in the dead-letter topics from the
 * {@code /actuator/prometheus} of ingest-service and retrieval-service. Whatever cannot be read is reported as unavailable with the reason.
 */
@Component
class PlatformOverview {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(PlatformOverview.class);

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** Collections whose document statuses are read (one call each). */
	static final int MAX_COLLECTIONS = 50;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final GatewayProperties properties;

	private final WebClient client;

	PlatformOverview(GatewayProperties properties) {
		this.properties = properties;
		HttpClient http = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.responseTimeout(TIMEOUT);
		this.client = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build();
	}

	record Overview(Instant at, List<ServiceHealth> services, Section<List<CollectionCounts>> collections,
			Section<IngestCounters> ingest, Section<List<ConsumerLag>> consumerLag, Section<List<DeadLetters>> deadLetters) {
	}

	/** Something that could be read ({@code available}, with its value) or not (with why). */
	record Section<T>(boolean available, T value, String detail) {

		static <T> Section<T> of(T value) {
			return new Section<>(true, value, null);
		}

		static <T> Section<T> unavailable(String why) {
			return new Section<>(false, null, why);
		}

	}

	record ServiceHealth(String name, String status, long millis, String detail) {
	}

	/** One collection: counts from retrieval-service; {@code byStatus} from ingest-service (null if unreadable). */
	record CollectionCounts(String name, long documents, long chunks, String embeddingModel,
			Map<String, Long> byStatus) {
	}

	/**
	 * ingest-service's counters since it started: documents embedded and failed (a failed document is dead-lettered),
	 * chunks, and the documents' mean time through the pipeline; retrieval-service's chunk-batch outcomes.
	 */
	record IngestCounters(Double documentsEmbedded, Double documentsFailed, Double chunks, Double meanDocumentSeconds,
			Map<String, Double> indexerEvents) {
	}

	/** Records not yet consumed, summed over the partitions of one topic of one service's consumers. */
	record ConsumerLag(String service, String topic, double lag) {
	}

	/** The records a dead-letter topic holds, as its service reads them from the broker ({@code null}: unreadable). */
	record DeadLetters(String service, String topic, Double records) {
	}

	Mono<Overview> read() {
		Mono<List<ServiceHealth>> health = Flux.fromArray(Service.values()).flatMapSequential(this::health).collectList();
		Mono<Section<List<CollectionCounts>>> collections = collections();
		Mono<Section<PrometheusText>> ingestMetrics = metrics(Service.INGEST);
		Mono<Section<PrometheusText>> retrievalMetrics = metrics(Service.RETRIEVAL);
		return Mono.zip(health, collections, ingestMetrics, retrievalMetrics).map((t) -> {
			Section<PrometheusText> ingest = t.getT3();
			Section<PrometheusText> retrieval = t.getT4();
			return new Overview(Instant.now(), t.getT1(), t.getT2(), counters(ingest, retrieval), lag(ingest, retrieval),
					deadLetters(ingest, retrieval));
		});
	}

	private Mono<ServiceHealth> health(Service service) {
		long start = System.nanoTime();
		return get(service, "/actuator/health").map((body) -> JSON.readTree(body).path("status").asString("UNKNOWN"))
			.map((status) -> new ServiceHealth(service.id(), status, millisSince(start), null))
			.onErrorResume((ex) -> {
				if (ex instanceof WebClientResponseException response && response.getStatusCode().value() == 503) {
					// an actuator health of DOWN is a 503 with the same body
					String status = JSON.readTree(response.getResponseBodyAsString()).path("status").asString("DOWN");
					return Mono.just(new ServiceHealth(service.id(), status, millisSince(start), "HTTP 503"));
				}
				return Mono.just(new ServiceHealth(service.id(), "UNREACHABLE", millisSince(start), reason(ex)));
			});
	}

	private Mono<Section<List<CollectionCounts>>> collections() {
		return get(Service.RETRIEVAL, "/v1/collections").map(JSON::readTree)
			.flatMap((json) -> Flux.fromIterable(json.path("collections").values())
				.take(MAX_COLLECTIONS)
				.flatMapSequential((c) -> statuses(c.path("name").asString())
					.map((byStatus) -> counts(c, byStatus))
					.defaultIfEmpty(counts(c, null)), 4)
				.collectList())
			.map(Section::of)
			.onErrorResume((ex) -> Mono.just(Section.unavailable("retrieval-service: " + reason(ex))));
	}

	private static CollectionCounts counts(JsonNode c, Map<String, Long> byStatus) {
		return new CollectionCounts(c.path("name").asString(), c.path("documents").asLong(), c.path("chunks").asLong(),
				c.path("embeddingModel").asString(null), byStatus);
	}

	private Mono<Map<String, Long>> statuses(String collection) {
		return get(Service.INGEST, "/v1/collections/" + collection + "/documents?size=1").map((body) -> {
			Map<String, Long> byStatus = new LinkedHashMap<>();
			JSON.readTree(body).path("byStatus").properties().forEach((e) -> byStatus.put(e.getKey(), e.getValue().asLong()));
			return byStatus;
		}).onErrorResume((ex) -> Mono.empty());
	}

	private Mono<Section<PrometheusText>> metrics(Service service) {
		return get(service, "/actuator/prometheus").map(PrometheusText::parse)
			.map(Section::of)
			.onErrorResume((ex) -> Mono.just(Section.unavailable(service.id() + ": " + reason(ex))));
	}

	static Section<IngestCounters> counters(Section<PrometheusText> ingest, Section<PrometheusText> retrieval) {
		if (!ingest.available()) {
			return Section.unavailable(ingest.detail());
		}
		PrometheusText m = ingest.value();
		Double count = m.sum("rag_ingest_document_duration_seconds_count");
		Double seconds = m.sum("rag_ingest_document_duration_seconds_sum");
		Map<String, Double> events = new LinkedHashMap<>();
		if (retrieval.available()) {
			for (PrometheusText.Sample s : retrieval.value().samples("rag_retrieval_indexer_events_total")) {
				events.merge(s.labels().getOrDefault("outcome", "?"), s.value(), Double::sum);
			}
		}
		return Section.of(new IngestCounters(
				zeroIfAbsent(m.sum("rag_ingest_documents_total", (l) -> "embedded".equals(l.get("outcome")))),
				zeroIfAbsent(m.sum("rag_ingest_documents_total", (l) -> "failed".equals(l.get("outcome")))),
				zeroIfAbsent(m.sum("rag_ingest_chunks_total")),
				(count != null && count > 0 && seconds != null) ? seconds / count : null, events));
	}

	/**
	 * Kafka's client metrics give each partition's lag twice (the topic as named and with dots as underscores): one
	 * sample per consumer client and partition counts.
	 */
	static Section<List<ConsumerLag>> lag(Section<PrometheusText> ingest, Section<PrometheusText> retrieval) {
		return fromEach(ingest, retrieval, (service, metrics) -> {
			Set<String> seen = new HashSet<>();
			Map<String, Double> byTopic = new LinkedHashMap<>();
			for (PrometheusText.Sample s : metrics.samples("kafka_consumer_fetch_manager_records_lag")) {
				String topic = s.labels().get("topic");
				if (topic == null || !Double.isFinite(s.value())
						|| !seen.add(s.labels().get("client_id") + "/" + s.labels().get("partition") + "/"
								+ topic.replace('.', '_'))) {
					continue;
				}
				byTopic.merge(topic, s.value(), Double::sum);
			}
			return byTopic.entrySet().stream().map((e) -> new ConsumerLag(service.id(), e.getKey(), e.getValue())).toList();
		});
	}

	/** {@code rag_kafka_dead_letter_records} of ingest-service ({@code rag.documents.v1-dlt}) and retrieval-service. */
	static Section<List<DeadLetters>> deadLetters(Section<PrometheusText> ingest, Section<PrometheusText> retrieval) {
		return fromEach(ingest, retrieval, (service, metrics) -> metrics.samples("rag_kafka_dead_letter_records")
			.stream()
			.filter((s) -> s.labels().get("topic") != null)
			.map((s) -> new DeadLetters(service.id(), s.labels().get("topic"),
					Double.isFinite(s.value()) ? s.value() : null))
			.toList());
	}

	/**
	 * What {@code read} finds in the Prometheus text of ingest-service and of retrieval-service, one after the other;
	 * unavailable only when neither could be read and nothing was found (else the unreadable one is the detail).
	 */
	private static <T> Section<List<T>> fromEach(Section<PrometheusText> ingest, Section<PrometheusText> retrieval,
			java.util.function.BiFunction<Service, PrometheusText, List<T>> read) {
		List<T> found = new ArrayList<>();
		List<String> unavailable = new ArrayList<>();
		for (var entry : List.of(Map.entry(Service.INGEST, ingest), Map.entry(Service.RETRIEVAL, retrieval))) {
			if (entry.getValue().available()) {
				found.addAll(read.apply(entry.getKey(), entry.getValue().value()));
			}
			else {
				unavailable.add(entry.getValue().detail());
			}
		}
		if (found.isEmpty() && !unavailable.isEmpty()) {
			return Section.unavailable(String.join("; ", unavailable));
		}
		return new Section<>(true, found, unavailable.isEmpty() ? null : String.join("; ", unavailable));
	}

	private Mono<String> get(Service service, String path) {
		URI base = service.upstream(this.properties).url();
		return this.client.get()
			.uri(URI.create(base.toString().replaceAll("/+$", "") + path))
			.retrieve()
			.bodyToMono(String.class)
			.timeout(TIMEOUT);
	}

	private static Double zeroIfAbsent(Double value) {
		return (value != null) ? value : 0.0;
	}

	private static long millisSince(long start) {
		return (System.nanoTime() - start) / 1_000_000;
	}

	private static String reason(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			String detail = null;
			try {
				detail = JSON.readTree(response.getResponseBodyAsString()).path("detail").asString(null);
			}
			catch (RuntimeException ignored) {
				// not a problem body
			}
			return "HTTP " + response.getStatusCode().value() + ((detail != null) ? ": " + detail : "");
		}
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		// the raw message (host, port, stack) goes to the log; the console says what happened
		logger.warn("Overview: a service could not be read: {}", cause.toString());
		if (cause instanceof java.net.ConnectException) {
			return "unreachable (connection refused)";
		}
		if (cause instanceof java.util.concurrent.TimeoutException
				|| cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
			return "did not answer in time";
		}
		return "could not be read (" + cause.getClass().getSimpleName() + "; the details are in the gateway's log)";
	}

}
