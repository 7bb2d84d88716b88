package dev.ragplatform.rerank.model;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * Runs an ONNX transformer on a batch of token sequences, padded to the longest. Inputs are fed by name:
 * {@code input_ids}, {@code attention_mask} and, only when the graph declares it, {@code token_type_ids}
 * (BERT-style cross-encoders take it; XLM-R ones such as bge-reranker-v2-m3 do not).
 */
final class OnnxModel implements AutoCloseable {

	private final OrtEnvironment env;

	private final OrtSession session;

	private final String name;

	private final boolean takesTokenTypes;

	private final String output;

	private final long[] outputShape;

	OnnxModel(OrtEnvironment env, OrtSession session, String name, String outputName) throws OrtException {
		this.env = env;
		this.session = session;
		this.name = name;
		Set<String> inputs = session.getInputNames();
		if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
			throw new IllegalArgumentException(name + ": the ONNX graph must take input_ids and attention_mask, it takes "
					+ inputs);
		}
		this.takesTokenTypes = inputs.contains("token_type_ids");
		Map<String, NodeInfo> outputs = session.getOutputInfo();
		this.output = (outputName != null) ? outputName : outputs.keySet().iterator().next();
		NodeInfo info = outputs.get(this.output);
		if (info == null) {
			throw new IllegalArgumentException(name + ": the ONNX graph has no output '" + outputName + "', it has "
					+ outputs.keySet());
		}
		if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
			throw new IllegalArgumentException(name + ": output '" + this.output + "' must be a float32 tensor, it is "
					+ info.getInfo());
		}
		this.outputShape = tensor.getShape();
	}

	boolean takesTokenTypes() {
		return this.takesTokenTypes;
	}

	/** The output's declared shape ({@code -1} where dynamic). */
	long[] outputShape() {
		return this.outputShape.clone();
	}

	/**
	 * Runs one batch and lets {@code reader} read the output while it is alive.
	 * @param reader gets the output, its shape and the padded length of the batch's sequences
	 */
	<T> T run(List<Encoded> batch, OutputReader<T> reader) {
		int size = batch.size();
		int length = 0;
		for (Encoded sequence : batch) {
			length = Math.max(length, sequence.tokens());
		}
		long[] ids = new long[size * length];
		long[] mask = new long[size * length];
		long[] types = this.takesTokenTypes ? new long[size * length] : null;
		for (int b = 0; b < size; b++) {
			Encoded sequence = batch.get(b);
			System.arraycopy(sequence.ids(), 0, ids, b * length, sequence.tokens());
			Arrays.fill(mask, b * length, b * length + sequence.tokens(), 1L);
			if (types != null && sequence.typeIds() != null) {
				System.arraycopy(sequence.typeIds(), 0, types, b * length, sequence.tokens());
			}
		}
		long[] shape = { size, length };
		Map<String, OnnxTensor> inputs = new HashMap<>(4);
		try {
			inputs.put("input_ids", OnnxTensor.createTensor(this.env, LongBuffer.wrap(ids), shape));
			inputs.put("attention_mask", OnnxTensor.createTensor(this.env, LongBuffer.wrap(mask), shape));
			if (types != null) {
				inputs.put("token_type_ids", OnnxTensor.createTensor(this.env, LongBuffer.wrap(types), shape));
			}
			try (OrtSession.Result result = this.session.run(inputs, Set.of(this.output))) {
				OnnxTensor tensor = (OnnxTensor) result.get(0);
				return reader.read(tensor.getFloatBuffer(), tensor.getInfo().getShape(), length);
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException(this.name + ": inference failed: " + ex.getMessage(), ex);
		}
		finally {
			inputs.values().forEach(OnnxTensor::close);
		}
	}

	@Override
	public void close() throws OrtException {
		this.session.close();
	}

	/** Reads an output tensor into results. */
	@FunctionalInterface
	interface OutputReader<T> {

		T read(FloatBuffer output, long[] shape, int paddedLength);

	}

}
