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
		return encode(texts, truncate, -1).stream().map(Sequence::ids).toList();
	}

	/**
	 * As {@link #encode(List, boolean)}, and when {@code instructionChars >= 0} also which tokens' vectors late
	 * interaction keeps: the first special token ({@code [CLS]}, the text's summary) and every token of the text
	 * proper; not the instruction's first {@code instructionChars} characters (the same for every text), not
	 * {@code [SEP]} (much the same vector for every text), never padding.
	 */
	public List<Sequence> encode(List<String> texts, boolean truncate, int instructionChars) {
		Encoding[] encodings = this.tokenizer.batchEncode(texts);
		List<Sequence> sequences = new ArrayList<>(encodings.length);
		for (int i = 0; i < encodings.length; i++) {
			long[] tokens = encodings[i].getIds();
			boolean[] kept = (instructionChars >= 0) ? kept(encodings[i], instructionChars) : null;
			if (tokens.length > this.maxTokens) {
				if (!truncate) {
					throw new InputTooLongException(i, tokens.length, this.maxTokens);
				}
				tokens = cut(tokens);
				if (kept != null) {
					boolean[] keptCut = new boolean[this.maxTokens];
					System.arraycopy(kept, 0, keptCut, 0, this.maxTokens - 1);
					keptCut[this.maxTokens - 1] = kept[kept.length - 1];
					kept = keptCut;
				}
			}
			sequences.add(new Sequence(tokens, kept));
		}
		return sequences;
	}

	private long[] cut(long[] tokens) {
		long[] cut = new long[this.maxTokens];
		System.arraycopy(tokens, 0, cut, 0, this.maxTokens - 1);
		cut[this.maxTokens - 1] = tokens[tokens.length - 1];
		return cut;
	}

	private static boolean[] kept(Encoding encoding, int instructionChars) {
		long[] special = encoding.getSpecialTokenMask();
		CharSpan[] spans = encoding.getCharTokenSpans();
		boolean[] kept = new boolean[special.length];
		for (int t = 0; t < kept.length; t++) {
			CharSpan span = (spans != null && t < spans.length) ? spans[t] : null;
			kept[t] = (special[t] == 1 || span == null) ? t == 0 : span.getStart() >= instructionChars;
		}
		return kept;
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
