package dev.ragplatform.testsupport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Points a Spring test's context at the infrastructure its class asked for with {@link RealPostgres} and
 * {@link RealKafka}. The customizer is keyed by the test class, so each such class gets its own context and
 * never shares a cached one that points at another class's database.
 */
class InfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
		boolean postgres = TestContextAnnotationUtils.hasAnnotation(testClass, RealPostgres.class);
		boolean kafka = TestContextAnnotationUtils.hasAnnotation(testClass, RealKafka.class);
		return (postgres || kafka) ? new InfrastructureCustomizer(testClass, postgres, kafka) : null;
	}

	private record InfrastructureCustomizer(Class<?> testClass, boolean postgres, boolean kafka)
			implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			Map<String, Object> properties = new HashMap<>();
			if (this.postgres) {
				PostgresDatabase db = PostgresServers.databaseFor(this.testClass);
				properties.put("spring.datasource.url", db.jdbcUrl());
				properties.put("spring.datasource.username", db.username());
				properties.put("spring.datasource.password", db.password());
			}
			if (this.kafka) {
				properties.put("spring.kafka.bootstrap-servers", KafkaBrokers.shared().bootstrapServers());
				// cached contexts of other test classes stay alive and share the broker: one consumer group each
				properties.put("spring.kafka.consumer.group-id",
						"test-" + this.testClass.getSimpleName() + "-" + java.util.UUID.randomUUID());
			}
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("rag-test-infrastructure", properties));
		}

	}

}
