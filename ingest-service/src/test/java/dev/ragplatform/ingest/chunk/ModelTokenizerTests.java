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

	private static ModelTokenizer oneCall; // the whole text in one native call, as before windows

	@BeforeAll
	static void loadTokenizers() throws IOException {
		tokenizer = new ModelTokenizer(json());
		oneCall = new ModelTokenizer(json(), Integer.MAX_VALUE);
	}

	private static InputStream json() {
		return ModelTokenizerTests.class.getResourceAsStream("/bge-small-en-v1.5-tokenizer.json");
	}

	@AfterAll
	static void closeTokenizers() {
		tokenizer.close();
		oneCall.close();
	}

	@Test
	void windowsGiveTheTokensOfOneCall() {
		String text = words(new Random(7), 3 * ModelTokenizer.WINDOW_CHARS + 1234, " ", "\n\n", "  ", "😀 ", "日本 ");
		Tokenization windowed = tokenizer.tokenize(text);
		Tokenization whole = oneCall.tokenize(text);
		assertThat(windowed.count()).isGreaterThan(3 * ModelTokenizer.WINDOW_CHARS / 8);
		assertThat(windowed.starts()).isEqualTo(whole.starts());
		assertThat(windowed.ends()).isEqualTo(whole.ends());
	}

	@Test
	void aTextWithoutSpacesIsCutAtTheWindowAndNeverInsideASurrogatePair() {
		// CJK Extension B: one token per character (BERT splits CJK characters), two UTF-16 chars each; the "x"
		// before them puts the window's end on a low surrogate
		String text = "x" + "\uD840\uDC00".repeat(ModelTokenizer.WINDOW_CHARS);
		assertThat(Character.isLowSurrogate(text.charAt(ModelTokenizer.WINDOW_CHARS))).isTrue();
		Tokenization tokens = tokenizer.tokenize(text);
		assertThat(tokens.count()).isEqualTo(ModelTokenizer.WINDOW_CHARS + 1);
		for (int i = 1; i < tokens.count(); i++) {
			assertThat(tokens.starts()[i]).isEqualTo(2 * i - 1);
			assertThat(tokens.ends()[i]).isEqualTo(2 * i + 1);
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

	private static String words(Random random, int length, String... separators) {
		String[] words = { "retrieval", "ranks", "chunks", "by", "similarity", "tokenisation", "ünïcode", "x", "of" };
		StringBuilder text = new StringBuilder(length + 32);
		while (text.length() < length) {
			text.append(words[random.nextInt(words.length)]).append(separators[random.nextInt(separators.length)]);
		}
		return text.toString();
	}

}
