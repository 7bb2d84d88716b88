package dev.ragplatform.ingest.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelTokenizerTests {

	private static ModelTokenizer tokenizer;

	@BeforeAll
	static void loadTokenizer() throws IOException {
		try (InputStream json = ModelTokenizerTests.class.getResourceAsStream("/bge-small-en-v1.5-tokenizer.json")) {
			tokenizer = new ModelTokenizer(json);
		}
	}

	@AfterAll
	static void closeTokenizer() {
		tokenizer.close();
	}

	@Test
	void windowsGiveTheTokensOfOneCall() {
		String text = words(new Random(7), 3 * ModelTokenizer.WINDOW_CHARS + 1234, " ", "\n\n", "  ", "😀 ", "日本 ");
		Tokenization windowed = tokenizer.tokenize(text);
		Tokenization whole = oneCall(text);
		assertThat(windowed.count()).isGreaterThan(3 * ModelTokenizer.WINDOW_CHARS / 8);
		assertThat(windowed.starts()).isEqualTo(whole.starts());
		assertThat(windowed.ends()).isEqualTo(whole.ends());
	}

	@Test
	void aTextWithoutSpacesIsCutAtTheWindowAndNeverInsideASurrogatePair() {
		// CJK Extension B: one token per character (BERT splits CJK characters), two UTF-16 chars each
		String text = "\uD840\uDC00".repeat(ModelTokenizer.WINDOW_CHARS);
		Tokenization tokens = tokenizer.tokenize(text);
		assertThat(tokens.count()).isEqualTo(ModelTokenizer.WINDOW_CHARS);
		for (int i = 0; i < tokens.count(); i++) {
			assertThat(tokens.starts()[i]).isEqualTo(2 * i);
			assertThat(tokens.ends()[i]).isEqualTo(2 * i + 2);
		}
	}

	@Test
	void stopsSoonAfterTheLimit() {
		String text = words(new Random(3), 10 * ModelTokenizer.WINDOW_CHARS, " ");
		Tokenization all = tokenizer.tokenize(text);
		Tokenization limited = tokenizer.tokenize(text, 1000);
		assertThat(limited.count()).as("over the limit, and told so").isGreaterThan(1000);
		assertThat(limited.count()).as("one window past it at most").isLessThan(all.count() / 5);
		assertThat(tokenizer.tokenize(text, all.count()).count()).isEqualTo(all.count());
	}

	/** The tokenizer's answer for the whole text in one native call, as before windows. */
	private static Tokenization oneCall(String text) {
		try (InputStream json = ModelTokenizerTests.class.getResourceAsStream("/bge-small-en-v1.5-tokenizer.json")) {
			var hf = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(json,
					java.util.Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false",
							"modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
			var spans = hf.encode(text, false, false).getCharTokenSpans();
			int[] utf16 = new int[text.codePointCount(0, text.length()) + 1];
			int cp = 0;
			for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
				utf16[cp++] = i;
			}
			utf16[cp] = text.length();
			int n = 0;
			int[] starts = new int[spans.length];
			int[] ends = new int[spans.length];
			for (var span : spans) {
				if (span != null) {
					starts[n] = utf16[span.getStart()];
					ends[n++] = utf16[span.getEnd()];
				}
			}
			hf.close();
			return new Tokenization(java.util.Arrays.copyOf(starts, n), java.util.Arrays.copyOf(ends, n));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String words(Random random, int length, String... separators) {
		String[] words = { "retrieval", "ranks", "chunks", "by", "similarity", "tokenisation", "ünïcode", "x", "of" };
		StringBuilder text = new StringBuilder(length + 32);
		while (text.length() < length) {
			text.append(words[random.nextInt(words.length)]).append(separators[random.nextInt(separators.length)]);
		}
		return text.toString();
	}

}
