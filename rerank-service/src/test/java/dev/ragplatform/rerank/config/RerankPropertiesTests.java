package dev.ragplatform.rerank.config;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rag.rerank.*} binds as the README says, and nonsense is refused at start-up. */
class RerankPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Config.class)
		.withPropertyValues("rag.rerank.default-model=m", "rag.rerank.device=cpu",
				"rag.rerank.batching.max-batch-tokens=512", "rag.rerank.batching.workers=2",
				"rag.rerank.batching.max-queued-tokens=262144", "rag.rerank.batching.request-timeout=30s",
				"rag.rerank.limits.max-documents=1000", "rag.rerank.limits.max-query-chars=4096",
				"rag.rerank.limits.max-document-chars=32768", "rag.rerank.late-interaction.query-instruction=",
				"rag.rerank.late-interaction.average-over-query-tokens=true");

	@Test
	void modelDirectoriesBindFromACommaSeparatedListAsAnEnvironmentVariableGivesThem() {
		this.runner.withPropertyValues("rag.rerank.models=/models/a,/models/b", "rag.rerank.device=cuda")
			.run((context) -> {
				RerankProperties properties = context.getBean(RerankProperties.class);
				assertThat(properties.models()).containsExactly(Path.of("/models/a"), Path.of("/models/b"));
				assertThat(properties.builtInModels()).isEmpty();
				assertThat(properties.device()).isEqualTo(RerankProperties.Device.CUDA);
				assertThat(properties.batching().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.lateInteraction().queryInstruction()).isEmpty();
				assertThat(properties.effectiveIntraOpThreads())
					.isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
			});
	}

	@Test
	void invalidValuesStopStartUp() {
		this.runner.withPropertyValues("rag.rerank.batching.workers=0").run((context) -> assertThat(context)
			.hasFailed()
			.getFailure()
			.hasStackTraceContaining("workers"));
		this.runner.withPropertyValues("rag.rerank.default-model= ").run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("rag.rerank.limits.max-documents=0")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RerankProperties.class)
	static class Config {

	}

}
