package dev.ragplatform.embedding.model;

import java.util.Map;

/**
 * What the service must know about a model beyond its ONNX graph and tokenizer.
 *
 * @param name the name clients pass as {@code model}
 * @param pooling how token vectors become one vector
 * @param normalize whether vectors are L2-normalised (then dot product = cosine)
 * @param maxTokens the longest input the model takes, special tokens included
 * @param dimensions the width of its vectors
 * @param dtype the weights' type, reported by {@code /info} ({@code float32}, {@code int8}, ...)
 * @param nativeInstruction what the model's authors prepend when no task is given
 * @param tasks named task instructions (LLM-Embedder's table for the built-in models)
 */
public record ModelDescriptor(String name, Pooling pooling, boolean normalize, int maxTokens, int dimensions,
		String dtype, TaskInstruction nativeInstruction, Map<String, TaskInstruction> tasks) {

	static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

	public ModelDescriptor {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a model needs a name");
		}
		if (maxTokens < 2 || dimensions < 1) {
			throw new IllegalArgumentException(name + ": maxTokens must be >= 2 and dimensions >= 1");
		}
		pooling = (pooling != null) ? pooling : Pooling.CLS;
		dtype = (dtype != null) ? dtype : "float32";
		nativeInstruction = (nativeInstruction != null) ? nativeInstruction : new TaskInstruction("", "");
		tasks = Map.copyOf((tasks != null) ? tasks : Map.of());
	}

	/** bge-small-en-v1.5 as its authors use it: CLS pooling, L2 norm, 512 tokens, 384 dimensions. */
	static ModelDescriptor bgeSmall(String name, String dtype) {
		return new ModelDescriptor(name, Pooling.CLS, true, 512, 384, dtype,
				new TaskInstruction(BGE_QUERY_INSTRUCTION, ""), LlmEmbedderInstructions.TASKS);
	}

}
