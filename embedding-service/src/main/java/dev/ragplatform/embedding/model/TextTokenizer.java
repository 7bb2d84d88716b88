package dev.ragplatform.embedding.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

/**
 * The model's own HuggingFace tokenizer (DJL's binding of the Rust library). Truncation is done here, not in
 * the tokenizer, so the service knows how long an input really was and can refuse it when asked not to truncate.
 */
public final class TextTokenizer implements AutoCloseable {

	static {
		// DJL must never reach for the network: its native library is in the tokenizers jar
		if (System.getProperty("ai.djl.offline") == null) {
			System.setProperty("ai.djl.offline", "true");
		}
	}

	private final HuggingFaceTokenizer tokenizer;

	private final int maxTokens;

	private final byte[] json;

	TextTokenizer(InputStream tokenizerJson, int maxTokens) throws IOException {
		this.json = tokenizerJson.readAllBytes();
		this.tokenizer = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(this.json),
				Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false",
						"modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
		this.maxTokens = maxTokens;
	}

	/**
	 * Token ids of each text, special tokens included. Longer than {@link #maxTokens()}: cut to fit, keeping the
	 * final special token, when {@code truncate}; otherwise an {@link InputTooLongException}.
	 */
	public List<long[]> encode(List<String> texts, boolean truncate) {
		Encoding[] encodings = this.tokenizer.batchEncode(texts);
		List<long[]> ids = new ArrayList<>(encodings.length);
		for (int i = 0; i < encodings.length; i++) {
			long[] tokens = encodings[i].getIds();
			if (tokens.length > this.maxTokens) {
				if (!truncate) {
					throw new InputTooLongException(i, tokens.length, this.maxTokens);
				}
				long[] cut = new long[this.maxTokens];
				System.arraycopy(tokens, 0, cut, 0, this.maxTokens - 1);
				cut[this.maxTokens - 1] = tokens[tokens.length - 1];
				tokens = cut;
			}
			ids.add(tokens);
		}
		return ids;
	}

	/** Tokens with their text and character offsets, as TEI's {@code /tokenize} returns them. */
	public List<List<Token>> tokenize(List<String> texts, boolean addSpecialTokens) {
		Encoding[] encodings = this.tokenizer.batchEncode(texts.toArray(String[]::new), addSpecialTokens, false);
		List<List<Token>> result = new ArrayList<>(encodings.length);
		for (Encoding encoding : encodings) {
			long[] ids = encoding.getIds();
			String[] tokens = encoding.getTokens();
			long[] special = encoding.getSpecialTokenMask();
			CharSpan[] spans = encoding.getCharTokenSpans();
			List<Token> list = new ArrayList<>(ids.length);
			for (int t = 0; t < ids.length; t++) {
				CharSpan span = (spans != null && t < spans.length) ? spans[t] : null;
				boolean isSpecial = special[t] == 1 || span == null;
				list.add(new Token(ids[t], tokens[t], isSpecial, isSpecial ? null : span.getStart(),
						isSpecial ? null : span.getEnd()));
			}
			result.add(list);
		}
		return result;
	}

	/** The tokenizer.json it was made from. */
	public byte[] json() {
		return this.json.clone();
	}

	@Override
	public void close() {
		this.tokenizer.close();
	}

	/** One token: id, text, whether it is a special token, and its character span in the input. */
	public record Token(long id, String text, boolean special, Integer start, Integer stop) {
	}

}
