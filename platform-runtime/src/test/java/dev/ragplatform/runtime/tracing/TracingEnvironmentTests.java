package dev.ragplatform.runtime.tracing;

import java.util.Map;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class TracingEnvironmentTests {

	static final String OTLP_ENDPOINT = TracingEnvironment.OTLP + "endpoint";

	@Test
	void nothingIsExportedWithoutAnEndpoint() {
		assertThat(TracingEnvironment.derive(Map.<String, String>of()::get)).isEmpty();
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", " ", "rag.zipkin.endpoint", "")::get)).isEmpty();
		assertThat(TracingEnvironment.defaults(Map.<String, String>of()::get))
			.containsEntry("management.tracing.export.zipkin.enabled", "false")
			.containsEntry("management.tracing.sampling.probability", "1.0")
			.containsEntry(TracingEnvironment.EXEMPLARS_ON_ALL_METRIC_TYPES, "false");
	}

	@Test
	void theOtlpBaseUrlGetsTheTracesPathUnlessItNamesOne() {
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://collector:4318")::get))
			.containsExactly(Map.entry(OTLP_ENDPOINT, "http://collector:4318/v1/traces"));
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://collector:4318/")::get))
			.containsExactly(Map.entry(OTLP_ENDPOINT, "http://collector:4318/v1/traces"));
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "https://otel.example/custom/traces")::get))
			.containsExactly(Map.entry(OTLP_ENDPOINT, "https://otel.example/custom/traces"));
	}

	@Test
	void bootsOwnPropertiesWinAndBoot3sNamesStillWork() {
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://a:4318",
				OTLP_ENDPOINT, "http://b:4318/v1/traces")::get)).isEmpty();
		assertThat(TracingEnvironment.derive(Map.of("management.otlp.tracing.endpoint", "http://c:4318/v1/traces",
				"management.otlp.tracing.timeout", "3s", "rag.otlp.endpoint", "http://a:4318")::get))
			.containsEntry(OTLP_ENDPOINT, "http://c:4318/v1/traces")
			.containsEntry(TracingEnvironment.OTLP + "timeout", "3s");
		assertThat(TracingEnvironment.derive(Map.of("rag.zipkin.endpoint", "http://z:9411",
				TracingEnvironment.ZIPKIN, "http://y:9411/api/v2/spans")::get)).isEmpty();
	}

	@Test
	void aZipkinEndpointTurnsItsExporterOnUnlessExportIsOff() {
		assertThat(TracingEnvironment.derive(Map.of("rag.zipkin.endpoint", "http://127.0.0.1:9411")::get))
			.containsExactly(Map.entry(TracingEnvironment.ZIPKIN, "http://127.0.0.1:9411/api/v2/spans"));
		assertThat(TracingEnvironment.defaults(Map.of("rag.zipkin.endpoint", "http://127.0.0.1:9411")::get))
			.containsEntry("management.tracing.export.zipkin.enabled", "true");
		assertThat(TracingEnvironment.defaults(Map.of(TracingEnvironment.ZIPKIN, "http://z:9411/api/v2/spans")::get))
			.containsEntry("management.tracing.export.zipkin.enabled", "true");
		assertThat(TracingEnvironment.defaults(Map.of("rag.zipkin.endpoint", "http://127.0.0.1:9411",
				"management.tracing.export.enabled", "false")::get))
			.containsEntry("management.tracing.export.zipkin.enabled", "false");
	}

	/** Through Spring Boot's own auto-configuration: which span exporters a service ends up with. */
	@Test
	void aServiceExportsOnlyWhereItIsToldTo() {
		try (ConfigurableApplicationContext none = start()) {
			assertThat(none.getBeansOfType(SpanExporter.class)).isEmpty();
		}
		try (ConfigurableApplicationContext otlp = start("--rag.otlp.endpoint=http://127.0.0.1:1")) {
			assertThat(otlp.getBeansOfType(SpanExporter.class).values()).singleElement()
				.isInstanceOf(OtlpHttpSpanExporter.class);
			assertThat(otlp.getEnvironment().getProperty(OTLP_ENDPOINT)).isEqualTo("http://127.0.0.1:1/v1/traces");
		}
		try (ConfigurableApplicationContext zipkin = start("--rag.zipkin.endpoint=http://127.0.0.1:1")) {
			assertThat(zipkin.getBeansOfType(SpanExporter.class).values()).singleElement()
				.isInstanceOf(ZipkinSpanExporter.class);
		}
		try (ConfigurableApplicationContext off = start("--rag.zipkin.endpoint=http://127.0.0.1:1",
				"--management.tracing.export.zipkin.enabled=false")) {
			assertThat(off.getBeansOfType(SpanExporter.class)).isEmpty();
		}
	}

	private static ConfigurableApplicationContext start(String... args) {
		SpringApplication application = new SpringApplication(Service.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(args);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = KafkaAutoConfiguration.class)
	static class Service {

	}

}
