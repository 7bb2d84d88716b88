package dev.ragplatform.embedding.model;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.ragplatform.runtime.lateinteraction.TokenRows;

/**
 * Runs a transformer encoder exported to ONNX on a batch of token id sequences and pools each into one vector.
 * Feeds {@code input_ids}, {@code attention_mask} and, when the graph has it, {@code token_type_ids}; reads the first
 * output, either token vectors {@code [batch, tokens, width]} (pooled here) or sentence vectors {@code [batch, width]}.
 */
public final class OnnxEncoder implements AutoCloseable {

	private final OrtEnvironment env;

	private final OrtSession session;

	private final ModelDescriptor descriptor;

	private final boolean takesTokenTypes;

	private final String output;

	private final boolean pooledOutput;

	OnnxEncoder(OrtEnvironment env, OrtSession session, ModelDescriptor descriptor) throws OrtException {
		this.env = env;
		this.session = session;
		this.descriptor = descriptor;
		Set<String> inputs = session.getInputNames();
		if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
			throw new IllegalArgumentException(descriptor.name() + ": the ONNX graph must take input_ids and "
					+ "attention_mask, it takes " + inputs);
		}
		this.takesTokenTypes = inputs.contains("token_type_ids");
		Map.Entry<String, NodeInfo> first = session.getOutputInfo().entrySet().iterator().next();
		this.output = first.getKey();
		this.pooledOutput = ((TensorInfo) first.getValue().getInfo()).getShape().length == 2;
	}

	/** One vector per sequence, pooled as the descriptor says (not normalised: callers decide). */
	public float[][] encode(List<long[]> batch) {
		List<Embedded> embedded = run(batch.stream().map((ids) -> new Sequence(ids, null)).toList());
		float[][] vectors = new float[embedded.size()][];
		for (int b = 0; b < vectors.length; b++) {
			vectors[b] = embedded.get(b).vector();
		}
		return vectors;
	}

	/**
	 * Each sequence's pooled vector and, where it asks, the unit vectors of its kept tokens: both from one
	 * forward pass, the token vectors being rows of the same {@code last_hidden_state} the pooling reads.
	 * @throws IllegalArgumentException when token vectors are asked of a graph that returns only pooled vectors
	 */
	public List<Embedded> run(List<Sequence> batch) {
		int size = batch.size();
		int length = 0;
		for (Sequence sequence : batch) {
			length = Math.max(length, sequence.ids().length);
			if (sequence.kept() != null && !hasTokenVectors()) {
				throw new IllegalArgumentException(this.descriptor.name() + " returns pooled vectors only: it has no "
						+ "token vectors for late interaction");
			}
		}
		long[] ids = new long[size * length];
		long[] mask = new long[size * length];
		for (int b = 0; b < size; b++) {
			long[] sequence = batch.get(b).ids();
			System.arraycopy(sequence, 0, ids, b * length, sequence.length);
			java.util.Arrays.fill(mask, b * length, b * length + sequence.length, 1L);
		}
		long[] shape = { size, length };
		Map<String, OnnxTensor> inputs = new HashMap<>(4);
		try {
			inputs.put("input_ids", OnnxTensor.createTensor(this.env, LongBuffer.wrap(ids), shape));
			inputs.put("attention_mask", OnnxTensor.createTensor(this.env, LongBuffer.wrap(mask), shape));
			if (this.takesTokenTypes) {
				inputs.put("token_type_ids", OnnxTensor.createTensor(this.env, LongBuffer.wrap(new long[size * length]), shape));
			}
			try (OrtSession.Result result = this.session.run(inputs, Set.of(this.output))) {
				OnnxTensor tensor = (OnnxTensor) result.get(0);
				FloatBuffer hidden = tensor.getFloatBuffer();
				long[] outShape = tensor.getInfo().getShape();
				int width = (int) outShape[outShape.length - 1];
				List<Embedded> out = new ArrayList<>(size);
				for (int b = 0; b < size; b++) {
					Sequence sequence = batch.get(b);
					float[] vector = new float[width];
					if (this.pooledOutput) {
						hidden.get(b * width, vector, 0, width);
					}
					else {
						this.descriptor.pooling().pool(hidden, b * length * width, sequence.ids().length, width, vector);
					}
					float[][] tokens = (sequence.kept() != null)
							? TokenRows.unit(hidden, b * length * width, sequence.kept(), width) : null;
					out.add(new Embedded(vector, tokens));
				}
				return out;
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException(this.descriptor.name() + ": inference failed: " + ex.getMessage(), ex);
		}
		finally {
			inputs.values().forEach(OnnxTensor::close);
		}
	}

	/** Whether the graph's output is per token (so late interaction can use it). */
	public boolean hasTokenVectors() {
		return !this.pooledOutput;
	}

	@Override
	public void close() throws OrtException {
		this.session.close();
	}

}
