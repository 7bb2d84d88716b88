package dev.ragplatform.ingest.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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

	/** A tokenizer from a HuggingFace {@code tokenizer.json}; the stream is read, not closed. */
	public ModelTokenizer(InputStream tokenizerJson) throws IOException {
		this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
				Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength",
						String.valueOf(Integer.MAX_VALUE)));
	}

	/** The tokens of the whole text, tokenised at once, with their offsets in Java characters. */
	public Tokenization tokenize(String text) {
		CharSpan[] spans = this.tokenizer.encode(text, false, false).getCharTokenSpans();
		// the tokenizer counts code points; a Java string counts UTF-16 units, two for an emoji
		int[] offsets = (text.length() != text.codePointCount(0, text.length())) ? charOffsets(text) : null;
		int[] starts = new int[spans.length];
		int[] ends = new int[spans.length];
		int n = 0;
		for (CharSpan span : spans) {
			if (span != null) {
				starts[n] = (offsets != null) ? offsets[span.getStart()] : span.getStart();
				ends[n] = (offsets != null) ? offsets[span.getEnd()] : span.getEnd();
				n++;
			}
		}
		return new Tokenization(Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
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
