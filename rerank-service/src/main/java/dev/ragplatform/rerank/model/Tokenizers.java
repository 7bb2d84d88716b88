package dev.ragplatform.rerank.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * The model's own HuggingFace tokenizer (DJL's binding of the Rust library), with truncation and padding off: the
 * service cuts sequences itself, so that only passages are ever cut and it knows how long they really were.
 */
final class Tokenizers {

	static {
		// DJL must never reach for the network: its native library is in the tokenizers jar
		if (System.getProperty("ai.djl.offline") == null) {
			System.setProperty("ai.djl.offline", "true");
		}
	}

	private Tokenizers() {
	}

	static HuggingFaceTokenizer load(InputStream tokenizerJson) throws IOException {
		return HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "true", "truncation", "false",
				"padding", "false", "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
	}

	/** How many tokens belong to the given sequence (0: first text, 1: second; special tokens belong to none). */
	static int count(long[] sequenceIds, int sequence) {
		int n = 0;
		for (long id : sequenceIds) {
			if (id == sequence) {
				n++;
			}
		}
		return n;
	}

	/**
	 * Positions to keep so that the given sequence keeps its first {@code allowed} tokens and every other token
	 * (the other text, the special tokens, the closing ones included) stays.
	 */
	static int[] keep(long[] sequenceIds, int sequence, int allowed) {
		int total = sequenceIds.length - Math.max(0, count(sequenceIds, sequence) - allowed);
		int[] positions = new int[total];
		int seen = 0;
		int n = 0;
		for (int t = 0; t < sequenceIds.length; t++) {
			if (sequenceIds[t] != sequence || seen++ < allowed) {
				positions[n++] = t;
			}
		}
		return positions;
	}

	static long[] select(long[] values, int[] positions) {
		long[] out = new long[positions.length];
		for (int i = 0; i < positions.length; i++) {
			out[i] = values[positions[i]];
		}
		return out;
	}

}
