package dev.ragplatform.embedding.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the embedding service can be told ({@code rag.embedding.*}); defaults in {@code application.yaml}.
 *
 * @param defaultModel the model used when a request names none
 * @param builtInModels which of the bundled models to load: {@code bge-small-en-v1.5}, {@code bge-small-en-v1.5-int8}
 * @param models more models by name, each a directory with {@code model.onnx}, {@code tokenizer.json} and
 * {@code descriptor.json}
 * @param device {@code cpu}, or {@code cuda} (needs the build's {@code gpu} profile and an NVIDIA GPU)
 * @param cudaDeviceId which GPU, with {@code cuda}
 * @param intraOpThreads ONNX Runtime threads per inference; 0 = the cores divided among the batching workers
 * @param allowSpinning whether ONNX Runtime's threads busy-wait for work (faster alone, slower beside a web server)
 * @param queryModels model → model that embeds its queries instead (e.g. the int8 model's queries by the fp32 one)
 */
@Validated
@ConfigurationProperties("rag.embedding")
public record EmbeddingProperties(@NotBlank String defaultModel, List<String> builtInModels, Map<String, Path> models,
		@NotNull Device device, @Min(0) int cudaDeviceId, @Min(0) int intraOpThreads, boolean allowSpinning,
		Map<String, String> queryModels, @Valid @NotNull Batching batching,
		@Valid @NotNull Limits limits) {

	public EmbeddingProperties {
		builtInModels = (builtInModels != null) ? List.copyOf(builtInModels) : List.of();
		models = (models != null) ? Map.copyOf(models) : Map.of();
		queryModels = (queryModels != null) ? Map.copyOf(queryModels) : Map.of();
	}

	public int effectiveIntraOpThreads() {
		return (this.intraOpThreads > 0) ? this.intraOpThreads
				: Math.max(1, Runtime.getRuntime().availableProcessors() / this.batching.workers());
	}

	/** Where inference runs. */
	public enum Device {

		CPU, CUDA

	}

	/**
	 * @param maxBatchTokens the padded size (inputs × longest input) one batch may reach
	 * @param maxBatchSize the most inputs one batch may hold
	 * @param maxQueuedTokens how many tokens may wait; beyond it requests get 429 with Retry-After
	 * @param requestTimeout how long a request may wait for its vectors; then its work is dropped (503)
	 * @param workers inference threads per model, each taking batches from the shared queue
	 */
	public record Batching(@Min(1) int maxBatchTokens, @Min(1) int maxBatchSize, @Min(1) long maxQueuedTokens,
			@NotNull Duration requestTimeout, @Min(1) int workers) {
	}

	/**
	 * @param maxInputs inputs one request may carry (more: 413)
	 * @param maxInputChars characters one input may have (more: 413)
	 */
	public record Limits(@Min(1) int maxInputs, @Min(1) int maxInputChars) {
	}

}
