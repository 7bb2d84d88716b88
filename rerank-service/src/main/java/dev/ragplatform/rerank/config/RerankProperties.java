package dev.ragplatform.rerank.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the rerank service can be told ({@code rag.rerank.*}); defaults in {@code application.yaml}.
 *
 * @param defaultModel the model used when a request names none
 * @param builtInModels which bundled models to load: {@code bge-small-en-v1.5-maxsim},
 * {@code bge-small-en-v1.5-int8-maxsim} (late interaction on the bge-small encoder)
 * @param models more models, each a directory with {@code model.onnx}, {@code tokenizer.json} and {@code rerank.json}
 * @param device {@code cpu}, or {@code cuda} (needs the build's {@code gpu} profile and an NVIDIA GPU)
 * @param cudaDeviceId which GPU, with {@code cuda}
 * @param intraOpThreads ONNX Runtime threads per inference; 0 = the cores divided among the batching workers
 * @param allowSpinning whether ONNX Runtime's threads busy-wait for work (faster alone, slower beside a web server)
 */
@Validated
@ConfigurationProperties("rag.rerank")
public record RerankProperties(@NotBlank String defaultModel, List<String> builtInModels, List<Path> models,
		@NotNull Device device, @Min(0) int cudaDeviceId, @Min(0) int intraOpThreads, boolean allowSpinning,
		@Valid @NotNull Batching batching, @Valid @NotNull Limits limits,
		@Valid @NotNull LateInteraction lateInteraction) {

	public RerankProperties {
		builtInModels = (builtInModels != null) ? List.copyOf(builtInModels) : List.of();
		models = (models != null) ? List.copyOf(models) : List.of();
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
	 * @param maxBatchTokens the padded size (sequences × longest) one batch may reach
	 * @param maxQueuedTokens how many tokens may wait; beyond it requests get 429 with Retry-After
	 * @param requestTimeout how long a request may wait for its scores; then its work is dropped (503)
	 * @param workers inference threads per model, each taking batches from the shared queue
	 */
	public record Batching(@Min(1) int maxBatchTokens, @Min(1) long maxQueuedTokens, @NotNull Duration requestTimeout,
			@Min(1) int workers) {
	}

	/**
	 * @param maxDocuments documents one request may carry (more: 400)
	 * @param maxQueryChars characters the query may have (more: 413)
	 * @param maxDocumentChars characters one document may have (more: 413)
	 */
	public record Limits(@Min(1) int maxDocuments, @Min(1) int maxQueryChars, @Min(1) int maxDocumentChars) {
	}

	/**
	 * How the built-in late-interaction models score.
	 * @param queryInstruction text put before the query when it is encoded (bge's retrieval instruction, or empty);
	 * its tokens give the query's tokens their context but are not scored themselves
	 * @param averageOverQueryTokens whether the MaxSim sum is divided by the number of scored query tokens (scores
	 * in [-1, 1], comparable across queries); the order of one query's documents is the same either way
	 */
	public record LateInteraction(String queryInstruction, boolean averageOverQueryTokens) {

		public LateInteraction {
			queryInstruction = (queryInstruction != null) ? queryInstruction : "";
		}

	}

}
