package dev.ragplatform.ingest.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

/**
 * The embedding model's own tokenizer (DJL's binding of HuggingFace's), so that chunks are measured in the tokens
 * the model will count. Thread-safe.
 */
public final class ModelTokenizer implements AutoCloseable {

	static {
		// DJL must never reach for the network: its native library is in the tokenizers jar
		if (System.getProperty("ai.djl.offline") == null) {
			System.setProperty("ai.djl.offline", "true");
		}
	}

	private final HuggingFaceTokenizer tokenizer;

	private final int window;

	/** A tokenizer from a HuggingFace {@code tokenizer.json}; the stream is read, not closed. */
	public ModelTokenizer(InputStream tokenizerJson) throws IOException {
		this(tokenizerJson, WINDOW_CHARS);
	}

	/** With another window: {@code Integer.MAX_VALUE} is the whole text in one call (tests compare against it). */
	ModelTokenizer(InputStream tokenizerJson, int window) throws IOException {
		this.window = window;
		this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
				Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength",
						String.valueOf(Integer.MAX_VALUE)));
	}

	/**
	 * Characters handed to the native tokenizer in one call. The whole of a 32 MB text in one call made the native
	 * side ask the JVM for arrays of millions of elements per field (ids, masks, spans, token strings); when that
	 * failed it panicked and aborted the process. A window of this size needs a few MB.
	 */
	static final int WINDOW_CHARS = 65_536;

	/** The tokens of the whole text, with their offsets in Java characters. */
	public Tokenization tokenize(String text) {
		return tokenize(text, Integer.MAX_VALUE);
	}

	/**
	 * The tokens of the text, tokenised window by window; stops after the window in which the count passes
	 * {@code limit}, so a caller that refuses more than {@code limit} tokens learns it without tokenising the rest
	 * (then {@code count() > limit}). Windows end at white space where there is any, where both kinds of tokenizer
	 * used here (WordPiece and byte-level BPE) cut anyway, so the tokens equal those of one call.
	 */
	public Tokenization tokenize(String text, int limit) {
		// each window's offsets apart, joined once at the end: no doubling copies of arrays of millions
		List<int[]> windows = new ArrayList<>();
		int n = 0;
		for (int from = 0; from < text.length() && n <= limit;) {
			int to = windowEnd(text, from, this.window);
			String window = text.substring(from, to);
			CharSpan[] spans = this.tokenizer.encode(window, false, false).getCharTokenSpans();
			// the tokenizer counts code points; a Java string counts UTF-16 units, two for an emoji
			int[] offsets = (window.length() != window.codePointCount(0, window.length())) ? charOffsets(window) : null;
			int[] pairs = new int[2 * spans.length];
			int k = 0;
			for (CharSpan span : spans) {
				if (span != null) {
					pairs[k++] = from + ((offsets != null) ? offsets[span.getStart()] : span.getStart());
					pairs[k++] = from + ((offsets != null) ? offsets[span.getEnd()] : span.getEnd());
				}
			}
			windows.add((k == pairs.length) ? pairs : Arrays.copyOf(pairs, k));
			n += k / 2;
			from = to;
		}
		int[] starts = new int[n];
		int[] ends = new int[n];
		int i = 0;
		for (int[] pairs : windows) {
			for (int k = 0; k < pairs.length; k += 2, i++) {
				starts[i] = pairs[k];
				ends[i] = pairs[k + 1];
			}
		}
		return new Tokenization(starts, ends);
	}

	/**
	 * Where the window that starts at {@code from} ends: the start of the last run of white space in its second
	 * half, else (a text without spaces) at the window's length, never inside a surrogate pair.
	 */
	static int windowEnd(String text, int from, int window) {
		if (text.length() - from <= window) {
			return text.length();
		}
		int limit = from + window;
		for (int i = limit; i > from + window / 2; i--) {
			if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
				return i;
			}
		}
		return Character.isLowSurrogate(text.charAt(limit)) ? limit - 1 : limit;
	}

	@Override
	public void close() {
		this.tokenizer.close();
	}

	/** The UTF-16 offset of each code point offset, the text's end included. */
	private static int[] charOffsets(String text) {
		int[] offsets = new int[text.codePointCount(0, text.length()) + 1];
		int codePoint = 0;
		for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
			offsets[codePoint++] = i;
		}
		offsets[codePoint] = text.length();
		return offsets;
	}

}
