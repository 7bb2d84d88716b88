package dev.ragplatform.rerank.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A real, tiny cross-encoder built as an ONNX graph in the test, with bge-small's real {@code tokenizer.json}, so the
 * runner's plumbing (pairs, token types, truncation, batching, score functions) can be checked against scores the
 * test predicts exactly. Every token id has a weight {@link #weight(long)}; the graph outputs {@code logits [B, 2]}:
 * <ul>
 * <li>column 0: the sum of the weights of all real tokens (query, passage and special tokens; padding masked out);
 * <li>column 1: the same sum over tokens with {@code token_type_ids = 1} only (the passage segment).
 * </ul>
 * Without token types ({@link #writeWithoutTokenTypes}, like XLM-R models) the graph has no {@code token_type_ids}
 * input and outputs {@code logits [B, 1]}: column 0 above.
 */
public final class TinyCrossEncoder {

	/** bge-small's vocabulary size. */
	static final int VOCABULARY = 30522;

	private TinyCrossEncoder() {
	}

	/** The weight of a token id: deterministic, varied, in [-0.5, 0.5). */
	public static float weight(long id) {
		return ((id * 7919) % 1000) / 1000f - 0.5f;
	}

	/** Writes a model directory (model.onnx, tokenizer.json, rerank.json) reading column 1 unless told otherwise. */
	public static Path write(Path dir, String name, int maxLength, String scoreFunction, int outputIndex) {
		return write(dir, name, graph(true), "{\"name\":\"" + name + "\",\"kind\":\"cross-encoder\",\"maxLength\":"
				+ maxLength + ",\"scoreFunction\":\"" + scoreFunction + "\",\"outputName\":\"logits\",\"outputIndex\":"
				+ outputIndex + "}");
	}

	/** A model whose graph takes no token_type_ids; its rerank.json names no output (the first one is read). */
	public static Path writeWithoutTokenTypes(Path dir, String name, int maxLength) {
		return write(dir, name, graph(false),
				"{\"name\":\"" + name + "\",\"maxLength\":" + maxLength + ",\"scoreFunction\":\"raw\"}");
	}

	/**
	 * Like {@link #write(Path, String, int, String, int)}, with the weights in an external data file
	 * ({@code model.onnx_data}), as exporters store models over 2 GB (bge-reranker-v2-m3).
	 */
	public static Path writeWithExternalData(Path dir, String name, int maxLength) {
		write(dir, name, maxLength, "raw", 1);
		ByteBuffer weights = ByteBuffer.allocate(VOCABULARY * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		for (int id = 0; id < VOCABULARY; id++) {
			weights.putFloat(weight(id));
		}
		ModelProto inline = graph(true);
		GraphProto.Builder graph = inline.getGraph().toBuilder();
		graph.setInitializer(0, TensorProto.newBuilder().setName("weights")
			.setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(VOCABULARY)
			.setDataLocation(TensorProto.DataLocation.EXTERNAL)
			.addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx_data"))
			.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
			.addExternalData(StringStringEntryProto.newBuilder().setKey("length")
				.setValue(String.valueOf(weights.capacity()))));
		try {
			Files.write(dir.resolve("model.onnx"), inline.toBuilder().setGraph(graph).build().toByteArray());
			Files.write(dir.resolve("model.onnx_data"), weights.array());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return dir;
	}

	private static Path write(Path dir, String name, ModelProto model, String descriptor) {
		try {
			Files.createDirectories(dir);
			Files.write(dir.resolve("model.onnx"), model.toByteArray());
			try (InputStream tokenizer = TinyCrossEncoder.class.getClassLoader()
				.getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
				Files.write(dir.resolve("tokenizer.json"), tokenizer.readAllBytes());
			}
			Files.writeString(dir.resolve("rerank.json"), descriptor);
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static ModelProto graph(boolean tokenTypes) {
		TensorProto.Builder weights = TensorProto.newBuilder().setName("weights")
			.setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(VOCABULARY);
		for (int id = 0; id < VOCABULARY; id++) {
			weights.addFloatData(weight(id));
		}
		TensorProto axes = TensorProto.newBuilder().setName("axes").setDataType(TensorProto.DataType.INT64.getNumber())
			.addDims(1).addInt64Data(1).build();
		GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny-cross-encoder")
			.addInitializer(weights).addInitializer(axes)
			.addInput(input("input_ids")).addInput(input("attention_mask"))
			.addNode(node("Gather", "gather", new String[] { "weights", "input_ids" }, "token_weights"))
			.addNode(cast("attention_mask", "mask"))
			.addNode(node("Mul", "masked", new String[] { "token_weights", "mask" }, "masked_weights"))
			.addNode(reduceSum("masked_weights", tokenTypes ? "all_tokens" : "logits"));
		if (tokenTypes) {
			graph.addInput(input("token_type_ids"))
				.addNode(cast("token_type_ids", "types"))
				.addNode(node("Mul", "typed", new String[] { "masked_weights", "types" }, "passage_weights"))
				.addNode(reduceSum("passage_weights", "passage_tokens"))
				.addNode(node("Concat", "concat", new String[] { "all_tokens", "passage_tokens" }, "logits").toBuilder()
					.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
						.setI(1))
					.build());
		}
		graph.addOutput(ValueInfoProto.newBuilder().setName("logits").setType(TypeProto.newBuilder()
			.setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
				.setShape(TensorShapeProto.newBuilder()
					.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
					.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(tokenTypes ? 2 : 1))))));
		return ModelProto.newBuilder().setIrVersion(8).setProducerName("rerank-service tests")
			.addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
	}

	private static ValueInfoProto input(String name) {
		return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
			.setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64.getNumber())
				.setShape(TensorShapeProto.newBuilder()
					.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
					.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("sequence")))))
			.build();
	}

	private static NodeProto node(String op, String name, String[] inputs, String output) {
		NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
		for (String input : inputs) {
			node.addInput(input);
		}
		return node.build();
	}

	private static NodeProto cast(String input, String output) {
		return node("Cast", "cast_" + input, new String[] { input }, output).toBuilder()
			.addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
				.setI(TensorProto.DataType.FLOAT.getNumber()))
			.build();
	}

	/** Sum over the token axis, kept: {@code [B, T] → [B, 1]} (opset 13: the axes are an input). */
	private static NodeProto reduceSum(String input, String output) {
		return node("ReduceSum", "sum_" + input, new String[] { input, "axes" }, output).toBuilder()
			.addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
				.setI(1))
			.build();
	}

}
