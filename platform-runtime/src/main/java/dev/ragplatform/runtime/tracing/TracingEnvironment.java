package dev.ragplatform.runtime.tracing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Where a service's spans go, in the platform's two words rather than Boot's: {@code rag.otlp.endpoint}
 * ({@code RAG_OTLP_ENDPOINT}, an OpenTelemetry collector's OTLP/HTTP base URL, {@code http://collector:4318}) and
 * {@code rag.zipkin.endpoint} ({@code RAG_ZIPKIN_ENDPOINT}, a Zipkin server, {@code http://127.0.0.1:9411}, as
 * {@code ./rag up --tracing} starts). Boot's own properties ({@code management.opentelemetry.tracing.export.otlp.*},
 * the older {@code management.otlp.tracing.endpoint}, {@code management.tracing.export.zipkin.*}) work as well and
 * win. With neither set nothing is exported: spans still give every log line and problem its trace id, and cross
 * HTTP and Kafka, but go nowhere.
 */
public final class TracingEnvironment implements EnvironmentPostProcessor {

	static final String OTLP = "management.opentelemetry.tracing.export.otlp.endpoint";

	static final String ZIPKIN = "management.tracing.export.zipkin.endpoint";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> derived = derive(environment::getProperty);
		if (!derived.isEmpty()) {
			environment.getPropertySources().addFirst(new MapPropertySource("ragTracing", derived));
		}
	}

	/** The Boot properties the platform's settings stand for (none when Boot's own are set). */
	static Map<String, Object> derive(java.util.function.Function<String, String> property) {
		Map<String, Object> derived = new LinkedHashMap<>();
		if (blank(property.apply(OTLP))) {
			String legacy = property.apply("management.otlp.tracing.endpoint");
			String base = property.apply("rag.otlp.endpoint");
			if (!blank(legacy)) {
				derived.put(OTLP, legacy.strip());
			}
			else if (!blank(base)) {
				derived.put(OTLP, withPath(base.strip(), "/v1/traces"));
			}
		}
		String zipkin = property.apply("rag.zipkin.endpoint");
		if (!blank(zipkin) && blank(property.apply(ZIPKIN))) {
			derived.put(ZIPKIN, withPath(zipkin.strip(), "/api/v2/spans"));
			derived.put("management.tracing.export.zipkin.enabled", "true");
		}
		return derived;
	}

	/** The URL as given when it names a path, else with the protocol's usual one. */
	static String withPath(String url, String path) {
		String given = URI.create(url).getPath();
		if (given != null && !given.isEmpty() && !given.equals("/")) {
			return url;
		}
		return url.replaceAll("/+$", "") + path;
	}

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
