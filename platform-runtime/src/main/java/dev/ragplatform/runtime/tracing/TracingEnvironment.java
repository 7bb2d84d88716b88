package dev.ragplatform.runtime.tracing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;

/**
 * Where a service's spans go, in the platform's two words rather than Boot's: {@code rag.otlp.endpoint}
 * ({@code RAG_OTLP_ENDPOINT}, an OpenTelemetry collector's OTLP/HTTP base URL, {@code http://collector:4318}) and
 * {@code rag.zipkin.endpoint} ({@code RAG_ZIPKIN_ENDPOINT}, a Zipkin server, {@code http://127.0.0.1:9411}, as
 * {@code ./rag up --tracing} starts). Boot's own properties win: {@code management.opentelemetry.tracing.export.otlp.*},
 * the names Boot 3 used ({@code management.otlp.tracing.*}, mapped here since Boot 4 reads them no more), and
 * {@code management.tracing.export.zipkin.*}. With no endpoint nothing is exported: spans still give every log line
 * and problem its ids, and cross HTTP and Kafka, but go nowhere. The platform's defaults, below any setting: every
 * trace sampled; Zipkin's exporter off unless a Zipkin endpoint is given (Boot would post to localhost:9411); and trace
 * exemplars in the Prometheus scrape only where every Prometheus reads them (counters and histogram buckets): Micrometer
 * also puts them on a timer's {@code _count}, and Prometheus before 2.43 (Debian 12 packages 2.42) then drops the
 * whole scrape.
 */
public final class TracingEnvironment implements EnvironmentPostProcessor {

	static final String OTLP = "management.opentelemetry.tracing.export.otlp.";

	static final String LEGACY_OTLP = "management.otlp.tracing.";

	static final String ZIPKIN = "management.tracing.export.zipkin.endpoint";

	static final String EXEMPLARS_ON_ALL_METRIC_TYPES =
			"management.prometheus.metrics.export.properties.io.prometheus.exporter.exemplarsOnAllMetricTypes";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> derived = derive(environment::getProperty);
		// the Boot 3 name of each OTLP header (management.otlp.tracing.headers.<name>)
		environment.getPropertySources().forEach((source) -> {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					String header = name.startsWith(LEGACY_OTLP + "headers.") ? name.substring(LEGACY_OTLP.length()) : null;
					if (header != null && environment.getProperty(OTLP + header) == null) {
						derived.putIfAbsent(OTLP + header, environment.getProperty(name));
					}
				}
			}
		});
		if (!derived.isEmpty()) {
			environment.getPropertySources().addFirst(new MapPropertySource("ragTracing", derived));
		}
		environment.getPropertySources().addLast(new MapPropertySource("ragTracingDefaults",
				defaults(environment::getProperty)));
	}

	/** The Boot properties the platform's settings and Boot 3's names stand for (none where Boot's own are set). */
	static Map<String, Object> derive(Function<String, String> property) {
		Map<String, Object> derived = new LinkedHashMap<>();
		if (blank(property.apply(OTLP + "endpoint"))) {
			String legacy = property.apply(LEGACY_OTLP + "endpoint");
			String base = property.apply("rag.otlp.endpoint");
			if (!blank(legacy)) {
				derived.put(OTLP + "endpoint", legacy.strip());
			}
			else if (!blank(base)) {
				derived.put(OTLP + "endpoint", withPath(base.strip(), "/v1/traces"));
			}
		}
		for (String setting : List.of("timeout", "connect-timeout", "compression", "transport")) {
			String legacy = property.apply(LEGACY_OTLP + setting);
			if (!blank(legacy) && blank(property.apply(OTLP + setting))) {
				derived.put(OTLP + setting, legacy.strip());
			}
		}
		String zipkin = property.apply("rag.zipkin.endpoint");
		if (!blank(zipkin) && blank(property.apply(ZIPKIN))) {
			derived.put(ZIPKIN, withPath(zipkin.strip(), "/api/v2/spans"));
		}
		return derived;
	}

	/** The platform's defaults, which any setting overrides. */
	static Map<String, Object> defaults(Function<String, String> property) {
		boolean zipkin = !blank(property.apply("rag.zipkin.endpoint")) || !blank(property.apply(ZIPKIN));
		boolean exportOff = "false".equalsIgnoreCase(property.apply("management.tracing.export.enabled"));
		return Map.of("management.tracing.sampling.probability", "1.0",
				"management.tracing.export.zipkin.enabled", Boolean.toString(zipkin && !exportOff),
				EXEMPLARS_ON_ALL_METRIC_TYPES, "false");
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
