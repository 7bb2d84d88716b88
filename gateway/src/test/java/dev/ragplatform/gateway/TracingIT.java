package dev.ragplatform.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.ragplatform.testsupport.ChartMetrics;
import dev.ragplatform.testsupport.RealKafka;
import dev.ragplatform.testsupport.RealPostgres;
import dev.ragplatform.testsupport.ZipkinServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Distributed tracing through the whole platform, read back from a real Zipkin server ({@link ZipkinServer}, to which
 * every service of these tests and this gateway send their spans): one document uploaded through the gateway is one
 * trace from the upload to INDEXED, with spans of the gateway, ingest-, embedding- and retrieval-service, linked
 * across both Kafka hops (document record, then chunks); a search through the gateway is one trace down to its dense,
 * lexical, fusion and rerank steps; problems carry the ids that find them, sampled or not; and every metric the Helm chart's dashboards and
 * alerts query is one the services publish.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "rag.gateway.bootstrap-key=" + TracingIT.KEY)
@RealPostgres
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracingIT {

	static final String KEY = "rag_tracingIT-bootstrap-admin-key-0123456789abc";

	static final URI zipkin = ZipkinServer.shared();

	static {
		assertThat(zipkin).as("the gateway's ITs run with a Zipkin server (-D%s, set by its pom)",
				ZipkinServer.JAR_PROPERTY).isNotNull();
		// as RAG_ZIPKIN_ENDPOINT would: read by TracingEnvironment when this gateway starts (a test's dynamic
		// properties arrive after it)
		System.setProperty("rag.zipkin.endpoint", zipkin.toString());
	}

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry registry) {
		Upstreams.all(registry);
		registry.add("rag.gateway.trace-url", () -> zipkin + "/zipkin/traces/{traceId}");
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	Http http;

	String collection;

	@BeforeAll
	void collection() {
		this.http = new Http(this.port);
		this.collection = "tracing-" + UUID.randomUUID().toString().substring(0, 8);
		Http.Response created = this.http.post("/api/v1/collections", KEY, Map.of("name", this.collection));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	@Test
	@Order(1)
	void oneUploadedDocumentIsOneTraceFromTheGatewayToIndexedAcrossBothKafkaHops() {
		Http.Response accepted = this.http.post("/api/v1/collections/" + this.collection + "/documents", KEY,
				Map.of("externalId", "lighthouse", "title", "Lighthouses",
						"text", "The keeper polishes the brass lantern every evening before the boats come in."));
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
		String traceId = accepted.json().path("traceId").asString();
		assertThat(traceId).as("the document's trace id").matches("[0-9a-f]{32}");
		String document = "/api/v1/collections/" + this.collection + "/documents/" + accepted.json().path("documentId").asString();
		Awaitility.await("indexed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> {
			JsonNode status = this.http.get(document, KEY).json();
			assertThat(status.path("status").asString()).isNotEqualTo("FAILED");
			return "INDEXED".equals(status.path("status").asString());
		});
		assertThat(this.http.get(document, KEY).json().path("traceId").asString()).isEqualTo(traceId);

		List<Span> trace = awaitTrace(traceId, (spans) -> services(spans).containsAll(
				Set.of("gateway", "ingest-service", "embedding-service", "retrieval-service"))
				&& names(spans).containsAll(Set.of("ingest publish", "retrieval index"))
				&& spans.stream().anyMatch(TracingIT::statusReceived));

		assertThat(names(trace)).contains("ingest parse", "ingest chunk", "ingest embed", "ingest publish",
				"embedding-service call", "retrieval index");
		// the gateway's route span is the root's child or the root: the upload entered there
		Span root = trace.stream().filter((s) -> s.parentId() == null).findFirst().orElseThrow();
		assertThat(root.service()).isEqualTo("gateway");
		// hop 1: the document record, sent while the upload was answered, consumed by the pipeline
		Span documentRecord = only(trace, (s) -> s.service().equals("ingest-service") && s.name().startsWith("ingest rag.documents"));
		Span documentSent = parent(trace, documentRecord);
		assertThat(documentSent.kind()).isEqualTo("PRODUCER");
		assertThat(documentSent.service()).isEqualTo("ingest-service");
		// the embedding call of the pipeline reached embedding-service in the same trace
		assertThat(trace).anySatisfy((s) -> {
			assertThat(s.service()).isEqualTo("embedding-service");
			assertThat(s.kind()).isEqualTo("SERVER");
			assertThat(s.name()).contains("/v1/embeddings");
		});
		// hop 2: the chunks, sent by ingest, consumed and indexed by retrieval-service
		Span index = only(trace, (s) -> s.name().equals("retrieval index"));
		Span chunksReceived = parent(trace, index);
		assertThat(chunksReceived.service()).isEqualTo("retrieval-service");
		assertThat(chunksReceived.kind()).isEqualTo("CONSUMER");
		Span chunksSent = parent(trace, chunksReceived);
		assertThat(chunksSent.service()).isEqualTo("ingest-service");
		assertThat(chunksSent.kind()).isEqualTo("PRODUCER");
		assertThat(ancestors(trace, chunksSent)).contains(documentRecord);
		// and INDEXED came back to ingest-service on the status topic, sent while retrieval-service took the chunks
		assertThat(trace).filteredOn(TracingIT::statusReceived)
			.anySatisfy((s) -> assertThat(ancestors(trace, s)).contains(chunksReceived));
	}

	@Test
	@Order(2)
	void aSearchIsOneTraceDownToItsSteps() {
		String traceId = UUID.randomUUID().toString().replace("-", "");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/search"))
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", "application/json")
			.header("traceparent", "00-" + traceId + "-" + traceId.substring(0, 16) + "-01")
			.POST(HttpRequest.BodyPublishers.ofString("{\"collection\": \"" + this.collection
					+ "\", \"query\": \"who polishes the lantern\", \"mode\": \"hybrid\", \"rerank\": {\"enabled\": true}}"))
			.build();
		Http.Response search = Http.send(request);
		assertThat(search.status()).as(search.toString()).isEqualTo(200);

		List<Span> trace = awaitTrace(traceId, (spans) -> names(spans).containsAll(
				Set.of("search hybrid", "search dense", "search lexical", "search fusion", "search rerank"))
				&& services(spans).containsAll(Set.of("gateway", "retrieval-service", "embedding-service")));
		Span dense = only(trace, (s) -> s.name().equals("search dense"));
		Span server = ancestors(trace, dense).stream().filter((s) -> s.kind().equals("SERVER")).findFirst().orElseThrow();
		assertThat(server.service()).isEqualTo("retrieval-service");
		assertThat(ancestors(trace, server)).anySatisfy((s) -> assertThat(s.service()).isEqualTo("gateway"));
	}

	@Test
	@Order(3)
	void problemsCarryTheirTraceAndRequestIds() {
		// a service's problem, passed through the gateway, in the trace the caller started
		String traceId = UUID.randomUUID().toString().replace("-", "");
		String caller = traceId.substring(16);
		Http.Response missing = this.http.send("GET", "/api/v1/collections/" + this.collection + "/documents/"
				+ UUID.randomUUID(), KEY, null, "traceparent", "00-" + traceId + "-" + caller + "-01");
		assertThat(missing.status()).isEqualTo(404);
		JsonNode problem = missing.json();
		assertThat(problem.path("traceId").asString()).isEqualTo(traceId);
		assertThat(problem.path("spanId").asString()).matches("[0-9a-f]{16}").isNotEqualTo(caller);
		assertThat(problem.path("requestId").asString()).isEqualTo(missing.header("X-Request-Id"));
		// one of the gateway's own; unsampled, the ids are there all the same
		String unsampled = UUID.randomUUID().toString().replace("-", "");
		Http.Response unauthorized = this.http.send("GET", "/api/v1/collections", null, null, "traceparent",
				"00-" + unsampled + "-" + caller + "-00");
		assertThat(unauthorized.status()).isEqualTo(401);
		assertThat(unauthorized.json().path("traceId").asString()).isEqualTo(unsampled);
		assertThat(unauthorized.json().path("spanId").asString()).matches("[0-9a-f]{16}");
		assertThat(unauthorized.json().path("requestId").asString()).isEqualTo(unauthorized.header("X-Request-Id"));
		// and the console learns where a trace id links to
		assertThat(this.http.get("/api/v1/me", KEY).json().path("traceUrl").asString())
			.isEqualTo(zipkin + "/zipkin/traces/{traceId}");
	}

	/**
	 * Every metric the Helm chart's dashboards and alerts query is one the six services publish, scraped here after
	 * a document was ingested and searched. With {@code -Drag.metrics.record=true} the names are also written to
	 * deploy-tests' {@code published-metrics.txt}, against which HelmChartTests checks the chart without a platform.
	 */
	@Test
	@Order(4)
	void everyMetricOfTheChartsDashboardsAndAlertsIsPublished() throws java.io.IOException {
		Set<String> published = new java.util.TreeSet<>();
		int exemplarsSeen = 0;
		List<URI> services = List.of(Upstreams.embedding(), Upstreams.ingest(), Upstreams.retrieval(), Upstreams.rerank(),
				Upstreams.llmAdapter(), URI.create("http://127.0.0.1:" + this.managementPort));
		for (URI service : services) {
			Http.Response scrape = Http.send(HttpRequest.newBuilder(service.resolve("/actuator/prometheus")).build());
			assertThat(scrape.status()).as(service + " " + scrape).isEqualTo(200);
			scrape.body().lines()
				.filter((line) -> !line.isBlank() && !line.startsWith("#"))
				.forEach((line) -> published.add(line.split("[{ ]", 2)[0]));
			// what Prometheus asks for: OpenMetrics, with the traces' exemplars. Before 2.43 it drops the whole scrape
			// when one is on anything but a counter or a histogram bucket (a timer's _count, say)
			Http.Response openMetrics = Http.send(HttpRequest.newBuilder(service.resolve("/actuator/prometheus"))
				.header("Accept", "application/openmetrics-text; version=1.0.0").build());
			assertThat(openMetrics.status()).as(service + " " + openMetrics).isEqualTo(200);
			List<String> exemplars = openMetrics.body().lines().filter((line) -> line.contains(" # {")).toList();
			assertThat(exemplars).as(service + ": exemplars only on counters and buckets")
				.allMatch((line) -> line.split("[{ ]", 2)[0].matches(".*_(total|bucket)"));
			exemplarsSeen += exemplars.size();
		}
		assertThat(exemplarsSeen).as("the traces' exemplars on buckets").isPositive();
		java.nio.file.Path chart = java.nio.file.Path.of("..", "helm", "rag-platform");
		assertThat(published).as("metrics the services publish").containsAll(ChartMetrics.of(chart));
		if (Boolean.getBoolean("rag.metrics.record")) {
			java.nio.file.Files.writeString(java.nio.file.Path.of("..", "deploy-tests", "src", "test", "resources",
					"published-metrics.txt"), "# Metric names the six services publish, scraped from a running platform "
							+ "by TracingIT (-Drag.metrics.record=true)\n" + String.join("\n", published) + "\n");
		}
	}

	record Span(String traceId, String id, String parentId, String service, String kind, String name, JsonNode tags) {

		static Span of(JsonNode json) {
			return new Span(json.path("traceId").asString(), json.path("id").asString(),
					json.hasNonNull("parentId") ? json.path("parentId").asString() : null,
					json.path("localEndpoint").path("serviceName").asString(), json.path("kind").asString(""),
					json.path("name").asString(), json.path("tags"));
		}

		@Override
		public String toString() {
			return this.service + ":" + this.kind + ":" + this.name + "(" + this.id + "<" + this.parentId + ")";
		}

	}

	/** The trace as Zipkin has it once {@code complete} holds (spans arrive in batches, seconds apart). */
	private List<Span> awaitTrace(String traceId, java.util.function.Predicate<List<Span>> complete) {
		AtomicReference<List<Span>> last = new AtomicReference<>(List.of());
		try {
			Awaitility.await("trace " + traceId).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
				.until(() -> {
					Http.Response answer = Http.send(HttpRequest.newBuilder(zipkin.resolve("/api/v2/trace/" + traceId)).build());
					if (answer.status() != 200) {
						return false;
					}
					List<Span> spans = new ArrayList<>();
					answer.json().forEach((span) -> spans.add(Span.of(span)));
					last.set(spans);
					return complete.test(spans);
				});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError("trace " + traceId + " as Zipkin has it: " + last.get(), ex);
		}
		return last.get();
	}

	/** ingest-service taking a record of the status topic (INDEXED comes that way from retrieval-service). */
	private static boolean statusReceived(Span span) {
		return span.service().equals("ingest-service") && span.kind().equals("CONSUMER")
				&& span.name().startsWith("rag.document-status.v1");
	}

	private static Set<String> services(List<Span> spans) {
		Set<String> services = new HashSet<>();
		spans.forEach((s) -> services.add(s.service()));
		return services;
	}

	private static Set<String> names(List<Span> spans) {
		Set<String> names = new HashSet<>();
		spans.forEach((s) -> names.add(s.name()));
		return names;
	}

	private static Span only(List<Span> trace, java.util.function.Predicate<Span> which) {
		List<Span> found = trace.stream().filter(which).toList();
		assertThat(found).as("in %s", trace).hasSize(1);
		return found.get(0);
	}

	private static Span parent(List<Span> trace, Span span) {
		return trace.stream().filter((s) -> s.id().equals(span.parentId())).findFirst()
			.orElseThrow(() -> new AssertionError("no parent of " + span + " in " + trace));
	}

	private static List<Span> ancestors(List<Span> trace, Span span) {
		List<Span> ancestors = new ArrayList<>();
		for (Span at = span; at.parentId() != null;) {
			String parentId = at.parentId();
			at = trace.stream().filter((s) -> s.id().equals(parentId)).findFirst().orElse(null);
			if (at == null) {
				break;
			}
			ancestors.add(at);
		}
		return ancestors;
	}

}
