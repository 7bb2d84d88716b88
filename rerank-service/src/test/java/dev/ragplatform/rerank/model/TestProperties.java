package dev.ragplatform.rerank.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.ragplatform.rerank.config.RerankProperties;

/** Properties as application.yaml sets them, with the models and the batch budget a test chooses. */
final class TestProperties {

	static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

	private TestProperties() {
	}

	static RerankProperties of(String defaultModel, List<String> builtIn, List<Path> models, int maxBatchTokens) {
		return of(defaultModel, builtIn, models, maxBatchTokens,
				new RerankProperties.LateInteraction(BGE_QUERY_INSTRUCTION, true));
	}

	static RerankProperties of(String defaultModel, List<String> builtIn, List<Path> models, int maxBatchTokens,
			RerankProperties.LateInteraction lateInteraction) {
		return new RerankProperties(defaultModel, builtIn, models, RerankProperties.Device.CPU, 0, 1, false,
				new RerankProperties.Batching(maxBatchTokens, 1_000_000, Duration.ofSeconds(60), 2),
				new RerankProperties.Limits(1000, 4096, 32768), lateInteraction);
	}

	/** Options of a request that waits a minute. */
	static RerankOptions options(Integer maxTokensPerDoc, boolean truncate, boolean raw) {
		return new RerankOptions(maxTokensPerDoc, truncate, raw, System.nanoTime() + Duration.ofMinutes(1).toNanos());
	}

}
