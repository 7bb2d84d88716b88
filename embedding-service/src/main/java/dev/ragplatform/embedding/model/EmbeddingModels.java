package dev.ragplatform.embedding.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ragplatform.runtime.onnx.OnnxSessions;
import dev.ragplatform.runtime.model.BundledModelFiles;
import dev.ragplatform.runtime.batching.TokenBudgetBatcher;
import dev.ragplatform.embedding.config.EmbeddingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The models this service serves, loaded at start-up (so readiness means every model answers): the bundled
 * bge-small-en-v1.5 (fp32 and int8, read from the registry jars' resources, no network) and any model
 * directories configured under {@code rag.embedding.models}.
 */
@Component
public class EmbeddingModels implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(EmbeddingModels.class);

	/** Bundled models: name → resource prefix and weight type. */
	private static final Map<String, String[]> BUILT_IN = Map.of("bge-small-en-v1.5",
			new String[] { "bge-small-en-v1.5", "float32" }, "bge-small-en-v1.5-int8",
			new String[] { "bge-small-en-v1.5-q", "int8" });

	private final Map<String, LoadedModel> models = new LinkedHashMap<>();

	private final String defaultModel;

	/** Model → the model that embeds its queries (same vector space, better precision). */
	private final Map<String, LoadedModel> queryModels = new LinkedHashMap<>();

	public EmbeddingModels(EmbeddingProperties properties, MeterRegistry meters) {
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try {
			for (String name : properties.builtInModels()) {
				String[] builtIn = BUILT_IN.get(name);
				if (builtIn == null) {
					throw new IllegalArgumentException("rag.embedding.built-in-models: unknown model '" + name
							+ "'; bundled are " + BUILT_IN.keySet());
				}
				ModelDescriptor descriptor = ModelDescriptor.bgeSmall(name, builtIn[1]);
				byte[] onnx = BundledModelFiles.read(builtIn[0] + ".onnx");
				try (InputStream tokenizer = BundledModelFiles.open(builtIn[0] + "-tokenizer.json")) {
					add(env, descriptor, onnx, tokenizer, properties, meters);
				}
			}
			for (Map.Entry<String, Path> entry : properties.models().entrySet()) {
				Path dir = entry.getValue();
				ModelDescriptor descriptor = DescriptorFile.read(entry.getKey(), dir.resolve("descriptor.json"));
				try (InputStream tokenizer = Files.newInputStream(dir.resolve("tokenizer.json"))) {
					add(env, descriptor, Files.readAllBytes(dir.resolve("model.onnx")), tokenizer, properties, meters);
				}
			}
		}
		catch (IOException | OrtException ex) {
			destroy();
			throw new IllegalStateException("Cannot load the embedding models: " + ex.getMessage(), ex);
		}
		if (!this.models.containsKey(properties.defaultModel())) {
			destroy();
			throw new IllegalArgumentException("rag.embedding.default-model '" + properties.defaultModel()
					+ "' is not among the loaded models " + this.models.keySet());
		}
		this.defaultModel = properties.defaultModel();
		properties.queryModels().forEach((model, queryModel) -> {
			LoadedModel from = this.models.get(model);
			LoadedModel to = this.models.get(queryModel);
			if (from == null || to == null) {
				log.info("rag.embedding.query-models.{}={} not applied: both models must be loaded", model, queryModel);
				return;
			}
			if (from.descriptor().dimensions() != to.descriptor().dimensions()) {
				destroy();
				throw new IllegalArgumentException("rag.embedding.query-models." + model + "=" + queryModel
						+ ": the models' dimensions differ");
			}
			this.queryModels.put(model, to);
		});
	}

	/** The model that embeds queries for {@code model}: itself, or the one set in {@code rag.embedding.query-models}. */
	public LoadedModel forQueries(LoadedModel model) {
		return this.queryModels.getOrDefault(model.descriptor().name(), model);
	}

	private void add(OrtEnvironment env, ModelDescriptor descriptor, byte[] onnx, InputStream tokenizerJson,
			EmbeddingProperties properties, MeterRegistry meters) throws IOException, OrtException {
		long started = System.nanoTime();
		OrtSession session = OnnxSessions.open(sessionSettings(properties), (options) -> env.createSession(onnx, options));
		OnnxEncoder encoder = new OnnxEncoder(env, session, descriptor);
		TextTokenizer tokenizer = new TextTokenizer(tokenizerJson, descriptor.maxTokens());
		EmbeddingProperties.Batching batching = properties.batching();
		TokenBudgetBatcher<Sequence, Embedded> batcher = new TokenBudgetBatcher<>("rag.embedding", descriptor.name(),
				encoder::run, (Sequence sequence) -> sequence.ids().length, batching.maxBatchTokens(),
				batching.maxBatchSize(), Math.max(batching.maxQueuedTokens(), batching.maxBatchTokens()),
				batching.workers(), meters);
		this.models.put(descriptor.name(), new LoadedModel(descriptor, tokenizer, encoder, batcher));
		log.info("Loaded {} ({}, {} dims, {} pooling) on {}: {} worker(s) × {} thread(s), batches of <= {} tokens, "
				+ "in {} ms", descriptor.name(), descriptor.dtype(), descriptor.dimensions(), descriptor.pooling(),
				properties.device(), batching.workers(), properties.effectiveIntraOpThreads(), batching.maxBatchTokens(),
				(System.nanoTime() - started) / 1_000_000);
	}

	static OnnxSessions.Settings sessionSettings(EmbeddingProperties properties) {
		return new OnnxSessions.Settings("rag.embedding", properties.device() == EmbeddingProperties.Device.CUDA,
				properties.cudaDeviceId(), properties.effectiveIntraOpThreads(), properties.allowSpinning());
	}

	/** The named model, or the default one for {@code null}. */
	public LoadedModel get(String name) {
		LoadedModel model = this.models.get((name != null && !name.isBlank()) ? name : this.defaultModel);
		if (model == null) {
			throw new UnknownModelException(name, this.models.keySet());
		}
		return model;
	}

	public Collection<LoadedModel> all() {
		return this.models.values();
	}

	@Override
	public void destroy() {
		for (LoadedModel model : this.models.values()) {
			model.batcher().close();
			model.tokenizer().close();
			try {
				model.encoder().close();
			}
			catch (OrtException ex) {
				log.warn("Closing {}: {}", model.descriptor().name(), ex.getMessage());
			}
		}
		this.models.clear();
	}

	/** A model ready to serve: its descriptor, tokenizer, ONNX session and batching queue. */
	public record LoadedModel(ModelDescriptor descriptor, TextTokenizer tokenizer, OnnxEncoder encoder,
			TokenBudgetBatcher<Sequence, Embedded> batcher) {
	}

	/** The descriptor.json of a model directory. */
	record DescriptorFile(String pooling, Boolean normalize, Integer maxTokens, Integer dimensions, String dtype,
			String queryInstruction, String documentInstruction, Map<String, TaskInstruction> tasks) {

		static ModelDescriptor read(String name, Path file) throws IOException {
			if (!Files.isRegularFile(file)) {
				throw new IOException(name + ": " + file + " is missing (model directories hold model.onnx, "
						+ "tokenizer.json and descriptor.json)");
			}
			DescriptorFile d = JsonMapper.shared().readValue(file.toFile(), DescriptorFile.class);
			if (d.maxTokens() == null || d.dimensions() == null) {
				throw new IOException(name + ": descriptor.json needs maxTokens and dimensions");
			}
			Pooling pooling = (d.pooling() != null) ? Pooling.valueOf(d.pooling().toUpperCase(java.util.Locale.ROOT))
					: Pooling.CLS;
			return new ModelDescriptor(name, pooling, d.normalize() == null || d.normalize(), d.maxTokens(),
					d.dimensions(), d.dtype(), new TaskInstruction(d.queryInstruction(), d.documentInstruction()),
					d.tasks());
		}

	}

}
