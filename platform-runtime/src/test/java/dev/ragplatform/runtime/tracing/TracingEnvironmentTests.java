package dev.ragplatform.runtime.tracing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TracingEnvironmentTests {

	@Test
	void nothingIsExportedWithoutAnEndpoint() {
		assertThat(TracingEnvironment.derive(Map.<String, String>of()::get)).isEmpty();
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", " ", "rag.zipkin.endpoint", "")::get)).isEmpty();
	}

	@Test
	void theOtlpBaseUrlGetsTheTracesPathUnlessItNamesOne() {
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://collector:4318")::get))
			.containsExactly(Map.entry(TracingEnvironment.OTLP, "http://collector:4318/v1/traces"));
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://collector:4318/")::get))
			.containsExactly(Map.entry(TracingEnvironment.OTLP, "http://collector:4318/v1/traces"));
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "https://otel.example/custom/traces")::get))
			.containsExactly(Map.entry(TracingEnvironment.OTLP, "https://otel.example/custom/traces"));
	}

	@Test
	void bootsOwnPropertiesWinAndTheOlderNameStillWorks() {
		assertThat(TracingEnvironment.derive(Map.of("rag.otlp.endpoint", "http://a:4318",
				TracingEnvironment.OTLP, "http://b:4318/v1/traces")::get)).isEmpty();
		assertThat(TracingEnvironment.derive(Map.of("management.otlp.tracing.endpoint", "http://c:4318/v1/traces",
				"rag.otlp.endpoint", "http://a:4318")::get))
			.containsExactly(Map.entry(TracingEnvironment.OTLP, "http://c:4318/v1/traces"));
		assertThat(TracingEnvironment.derive(Map.of("rag.zipkin.endpoint", "http://z:9411",
				TracingEnvironment.ZIPKIN, "http://y:9411/api/v2/spans")::get)).isEmpty();
	}

	@Test
	void aZipkinServerIsTurnedOnWithItsSpansPath() {
		assertThat(TracingEnvironment.derive(Map.of("rag.zipkin.endpoint", "http://127.0.0.1:9411")::get))
			.containsEntry(TracingEnvironment.ZIPKIN, "http://127.0.0.1:9411/api/v2/spans")
			.containsEntry("management.tracing.export.zipkin.enabled", "true");
	}

}
