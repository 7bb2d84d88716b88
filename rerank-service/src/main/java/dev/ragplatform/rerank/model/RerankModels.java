package dev.ragplatform.rerank.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ragplatform.runtime.onnx.OnnxSessions;
import dev.ragplatform.runtime.model.BundledModelFiles;
import dev.ragplatform.rerank.config.RerankProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The models this service serves, loaded at start-up (so readiness means every model answers): the built-in late
 * interaction rerankers on the bundled bge-small-en-v1.5 (fp32 and int8, read from the registry jars' resources, no
 * network) and the cross-encoder directories configured under {@code rag.rerank.models}.
 */
@Component
public class RerankModels implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RerankModels.class);

	/** Built-in model → resource prefix of the bundled encoder it runs. */
	static final Map<String, String> BUILT_IN = Map.of("bge-small-en-v1.5-maxsim", "bge-small-en-v1.5",
			"bge-small-en-v1.5-int8-maxsim", "bge-small-en-v1.5-q");

	/** bge-small's token vectors: {@code last_hidden_state [batch, tokens, 384]}, 512 tokens at most. */
	private static final String BGE_OUTPUT = "last_hidden_state";

	private static final int BGE_MAX_LENGTH = 512;

	private final Map<String, Reranker> models = new LinkedHashMap<>();

	private final String defaultModel;

	public RerankModels(RerankProperties properties, MeterRegistry meters) {
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try {
			for (String name : properties.builtInModels()) {
				String resource = BUILT_IN.get(name);
				if (resource == null) {
					throw new IllegalArgumentException("rag.rerank.built-in-models: unknown model '" + name
							+ "'; bundled are " + BUILT_IN.keySet());
				}
				long started = System.nanoTime();
				ModelDescriptor descriptor = new ModelDescriptor(name, ModelKind.LATE_INTERACTION, BGE_MAX_LENGTH,
						ScoreFunction.MAXSIM, BGE_OUTPUT, 0);
				byte[] onnx = BundledModelFiles.read(resource + ".onnx");
				OnnxModel model = session(env, descriptor, properties, (options) -> env.createSession(onnx, options));
				HuggingFaceTokenizer tokenizer;
				try (InputStream json = BundledModelFiles.open(resource + "-tokenizer.json")) {
					tokenizer = Tokenizers.load(json);
				}
				add(new LateInteractionReranker(descriptor, tokenizer, model, properties.lateInteraction(),
						properties.batching(), meters), properties, started);
			}
			for (Path dir : properties.models()) {
				long started = System.nanoTime();
				ModelDescriptor descriptor = ModelDescriptor.read(dir);
				if (this.models.containsKey(descriptor.name())) {
					throw new IllegalArgumentException("rag.rerank.models: two models are named '" + descriptor.name()
							+ "' (" + dir + ")");
				}
				// by path, so that weights in external data files (model.onnx_data, models over 2 GB) are found
				String onnx = file(dir, "model.onnx").toString();
				OnnxModel model = session(env, descriptor, properties, (options) -> env.createSession(onnx, options));
				HuggingFaceTokenizer tokenizer;
				try (InputStream json = Files.newInputStream(file(dir, "tokenizer.json"))) {
					tokenizer = Tokenizers.load(json);
				}
				add(new CrossEncoder(descriptor, tokenizer, model, properties.batching(), meters), properties, started);
			}
		}
		catch (IOException | OrtException | RuntimeException ex) {
			destroy();
			throw new IllegalStateException("Cannot load the rerank models: " + ex.getMessage(), ex);
		}
		if (!this.models.containsKey(properties.defaultModel())) {
			destroy();
			throw new IllegalArgumentException("rag.rerank.default-model '" + properties.defaultModel()
					+ "' is not among the loaded models " + this.models.keySet());
		}
		this.defaultModel = properties.defaultModel();
	}

	private void add(Reranker reranker, RerankProperties properties, long started) {
		this.models.put(reranker.descriptor().name(), reranker);
		ModelDescriptor d = reranker.descriptor();
		log.info("Loaded {} ({}, {} tokens, {} scores) on {}: {} worker(s) × {} thread(s), batches of <= {} tokens, "
				+ "in {} ms", d.name(), d.kind().wireName(), d.maxLength(), d.scoreFunction().wireName(),
				properties.device(), properties.batching().workers(), properties.effectiveIntraOpThreads(),
				properties.batching().maxBatchTokens(), (System.nanoTime() - started) / 1_000_000);
	}

	/** A session opened by {@code opener} (on a bundled resource's bytes, or a directory's model.onnx file). */
	private static OnnxModel session(OrtEnvironment env, ModelDescriptor descriptor, RerankProperties properties,
			OnnxSessions.Opener opener) throws OrtException {
		OrtSession session = OnnxSessions.open(sessionSettings(properties), opener);
		try {
			return new OnnxModel(env, session, descriptor.name(), descriptor.outputName());
		}
		catch (RuntimeException ex) {
			session.close();
			throw ex;
		}
	}

	static OnnxSessions.Settings sessionSettings(RerankProperties properties) {
		return new OnnxSessions.Settings("rag.rerank", properties.device() == RerankProperties.Device.CUDA,
				properties.cudaDeviceId(), properties.effectiveIntraOpThreads(), properties.allowSpinning());
	}

	private static Path file(Path dir, String name) throws IOException {
		Path file = dir.resolve(name);
		if (!Files.isRegularFile(file)) {
			throw new IOException(dir + ": " + name + " is missing (a model directory holds model.onnx, tokenizer.json "
					+ "and rerank.json)");
		}
		return file;
	}

	/** The named model, or the default one for {@code null} or blank. */
	public Reranker get(String name) {
		Reranker model = this.models.get((name != null && !name.isBlank()) ? name : this.defaultModel);
		if (model == null) {
			throw new UnknownModelException(name, this.models.keySet());
		}
		return model;
	}

	public String defaultModel() {
		return this.defaultModel;
	}

	public Collection<Reranker> all() {
		return this.models.values();
	}

	@Override
	public void destroy() {
		this.models.values().forEach(Reranker::close);
		this.models.clear();
	}

}
