package dev.ragplatform.rerank.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the service must know about a model beyond its ONNX graph and tokenizer.
 *
 * @param name the name clients pass as {@code model}
 * @param kind cross-encoder or late interaction
 * @param maxLength the longest sequence the model takes, special tokens included (for a cross-encoder: the pair)
 * @param scoreFunction what the raw output becomes
 * @param outputName the ONNX output to read; {@code null}: the graph's first output
 * @param outputIndex for a cross-encoder whose output is {@code [batch, n]}, the column holding the relevance logit
 */
public record ModelDescriptor(String name, ModelKind kind, int maxLength, ScoreFunction scoreFunction,
		String outputName, int outputIndex) {

	public ModelDescriptor {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a model needs a name");
		}
		if (kind == null || scoreFunction == null) {
			throw new IllegalArgumentException(name + ": a model needs a kind and a score function");
		}
		if (maxLength < 4) {
			throw new IllegalArgumentException(name + ": maxLength must be >= 4");
		}
		if (outputIndex < 0) {
			throw new IllegalArgumentException(name + ": outputIndex must be >= 0");
		}
	}

	/** Reads a model directory's {@code rerank.json}; the name defaults to the directory's. */
	static ModelDescriptor read(Path dir) throws IOException {
		Path file = dir.resolve("rerank.json");
		if (!Files.isRegularFile(file)) {
			throw new IOException(dir + ": rerank.json is missing (a model directory holds model.onnx, tokenizer.json "
					+ "and rerank.json)");
		}
		DescriptorFile d;
		try {
			d = JsonMapper.shared().readValue(file.toFile(), DescriptorFile.class);
		}
		catch (JacksonException ex) {
			throw new IOException(file + ": " + ex.getOriginalMessage(), ex);
		}
		try {
			ModelKind kind = (d.kind() != null) ? ModelKind.parse(d.kind()) : ModelKind.CROSS_ENCODER;
			if (kind != ModelKind.CROSS_ENCODER) {
				throw new IllegalArgumentException("kind '" + d.kind() + "': model directories hold cross-encoders "
						+ "(late interaction is built in)");
			}
			String name = (d.name() != null && !d.name().isBlank()) ? d.name() : dir.getFileName().toString();
			return new ModelDescriptor(name, kind, (d.maxLength() != null) ? d.maxLength() : 512,
					(d.scoreFunction() != null) ? ScoreFunction.parse(d.scoreFunction()) : ScoreFunction.SIGMOID,
					d.outputName(), (d.outputIndex() != null) ? d.outputIndex() : 0);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(file + ": " + ex.getMessage(), ex);
		}
	}

	/** The JSON of {@code rerank.json}. */
	record DescriptorFile(String name, String kind, Integer maxLength, String scoreFunction, String outputName,
			Integer outputIndex) {
	}

}
