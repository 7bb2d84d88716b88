package dev.ragplatform.ingest.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class ChunkerTests {

	private static final String[] WORDS = { "the", "index", "stores", "vectors", "for", "every", "chunk", "and",
			"retrieval", "ranks", "them", "by", "similarity", "while", "keyword", "search", "adds", "exact", "matches",
			"of", "rare", "terms", "tokenisation", "happens", "once", "per", "document" };

	private static final Pattern HEADING = Pattern.compile("(#{1,6}) (.+)");

	private static ModelTokenizer tokenizer;

	private final Chunker chunker = new Chunker();

	@BeforeAll
	static void loadTokenizer() throws IOException {
		try (InputStream json = ChunkerTests.class.getResourceAsStream("/bge-small-en-v1.5-tokenizer.json")) {
			tokenizer = new ModelTokenizer(json);
		}
	}

	@AfterAll
	static void closeTokenizer() {
		tokenizer.close();
	}

	@Test
	void tokenOffsetsAreOffsetsIntoTheJavaString() {
		String text = "Emoji 😀 before words, 日本 after.";
		Tokenization tokens = tokenizer.tokenize(text);
		List<String> pieces = IntStream.range(0, tokens.count())
			.mapToObj((i) -> text.substring(tokens.starts()[i], tokens.ends()[i]))
			.toList();
		assertThat(pieces).containsExactly("Em", "oj", "i", "😀", "before", "words", ",", "日", "本", "after", ".");
		assertThat(tokens.countIn(0, text.indexOf("words"))).isEqualTo(5);
		assertThat(tokens.countIn(5, 5)).isZero();
	}

	@Test
	void shortTextIsOneTrimmedChunk() {
		String text = "\n  A short note. It fits easily.\r\n\n";
		List<TextChunk> chunks = split(text, 64, 8);
		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(text.substring(chunk.start(), chunk.end())).isEqualTo(text.strip());
			assertThat(chunk.headings()).isEmpty();
		});
	}

	@Test
	void longProseIsCutIntoOverlappingChunksAtWordBoundaries() {
		String text = prose(new Random(1), 12, 30);
		Tokenization tokens = tokenizer.tokenize(text);
		List<TextChunk> chunks = split(text, tokens, 128, 24);
		assertThat(chunks).hasSizeGreaterThan(10);
		for (int i = 0; i < chunks.size(); i++) {
			TextChunk chunk = chunks.get(i);
			assertThat(chunk.start() == 0 || Character.isWhitespace(text.charAt(chunk.start() - 1))).isTrue();
			assertThat(chunk.end() == text.length() || Character.isWhitespace(text.charAt(chunk.end()))).isTrue();
			if (i > 0) {
				TextChunk previous = chunks.get(i - 1);
				assertThat(chunk.start()).as("overlap of chunk %d", i).isLessThan(previous.end());
				assertThat(tokens.countIn(chunk.start(), previous.end())).isLessThanOrEqualTo(24);
			}
		}
		// cut where sentences end, not anywhere
		assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(
				(chunk) -> assertThat(text.substring(chunk.start(), chunk.end())).endsWith("."));
	}

	@Test
	void headingsStartSectionsAndGiveEachChunkItsPath() {
		Random random = new Random(2);
		// the introduction holds more than half the target, so the big section after it starts a new chunk
		String introduction = "The index stores vectors for every chunk and ranks them by similarity. ".repeat(5);
		String text = "# Guide\n\n" + introduction + "\n\n## Install\n\n" + prose(random, 3, 8) + "### Linux\n\n"
				+ "Use the package.\n\n### Mac\n\nUse the cask.\n\n## Use\n\n" + prose(random, 2, 6);
		List<TextChunk> chunks = split(text, 96, 16);
		for (TextChunk chunk : chunks) {
			assertThat(chunk.headings()).as("headings at %d", chunk.start()).isEqualTo(headingsAt(text, chunk.start()));
		}
		assertThat(chunks).anySatisfy((chunk) -> {
			assertThat(chunk.start()).isEqualTo(text.indexOf("## Install"));
			assertThat(chunk.headings()).containsExactly("Guide", "Install");
		});
		assertThat(chunks).anySatisfy((chunk) -> {
			assertThat(chunk.start()).isEqualTo(text.indexOf("## Use"));
			assertThat(chunk.headings()).containsExactly("Guide", "Use");
		});
		// small sections share a chunk rather than making tiny ones
		assertThat(chunks).anySatisfy((chunk) -> assertThat(text.substring(chunk.start(), chunk.end()))
			.contains("### Linux", "Use the package.", "### Mac", "Use the cask."));
	}

	@Test
	void aCodeBlockThatFitsIsNeverSplit() {
		Random random = new Random(3);
		StringBuilder code = new StringBuilder("```java\n");
		for (int i = 0; i < 6; i++) {
			code.append("int value").append(i).append(" = compute(").append(i).append(");\n\n");
		}
		String fence = code.append("```").toString();
		String text = prose(random, 2, 4) + fence + "\n\n" + prose(random, 2, 4);
		int from = text.indexOf(fence);
		int to = from + fence.length();
		assertThat(tokenizer.tokenize(fence).count()).isBetween(60, 120);

		List<TextChunk> chunks = split(text, 128, 24);
		assertThat(chunks).anySatisfy((chunk) -> assertThat(chunk.start() <= from && chunk.end() >= to).isTrue());
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.start() <= from || chunk.start() >= to).as("start %d", chunk.start()).isTrue();
			assertThat(chunk.end() <= from || chunk.end() >= to).as("end %d", chunk.end()).isTrue();
		});
	}

	@Test
	void aCodeBlockTooBigIsSplitAtLineBreaks() {
		StringBuilder code = new StringBuilder("Before.\n\n```\n");
		for (int i = 0; i < 80; i++) {
			code.append("call(argument").append(i).append(", other").append(i).append(");\n");
		}
		String text = code.append("```\n\nAfter.").toString();
		List<TextChunk> chunks = split(text, 64, 8);
		assertThat(chunks).hasSizeGreaterThan(4);
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.end() == text.length()
				|| text.charAt(chunk.end()) == '\n').as("end %d", chunk.end()).isTrue());
	}

	@Test
	void aGiantWordIsCutBetweenTokens() {
		byte[] bytes = new byte[3750];
		new Random(4).nextBytes(bytes);
		String text = Base64.getEncoder().encodeToString(bytes);
		assertThat(text).hasSize(5000);
		List<TextChunk> chunks = split(text, 64, 16);
		assertThat(chunks).hasSizeGreaterThan(10);
		// no word boundary to start an overlap at: the chunks just follow one another
		for (int i = 1; i < chunks.size(); i++) {
			assertThat(chunks.get(i).start()).isEqualTo(chunks.get(i - 1).end());
		}
	}

	@Test
	void whitespaceMakesNoChunks() {
		assertThat(split("", 64, 8)).isEmpty();
		assertThat(split(" \n\t\r\n  \n", 64, 8)).isEmpty();
	}

	@Test
	void crlfTextIsSplitLikeLfText() {
		Random random = new Random(5);
		String text = ("# Notes\n\n" + prose(random, 3, 8) + "## More\n\n" + prose(random, 3, 8)).replace("\n", "\r\n");
		List<TextChunk> chunks = split(text, 96, 16);
		assertThat(chunks).hasSizeGreaterThan(3);
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.headings()).isNotEmpty());
		assertThat(chunks).anySatisfy((chunk) -> {
			assertThat(chunk.start()).isEqualTo(text.indexOf("## More"));
			assertThat(chunk.headings()).containsExactly("Notes", "More");
		});
	}

	@ParameterizedTest
	@CsvSource({ "15, 0", "0, 0", "-1, 0", "16, 8", "16, -1", "512, 256", "512, 300" })
	void badTargetsAndOverlapsAreRefused(int target, int overlap) {
		Tokenization tokens = tokenizer.tokenize("some text");
		assertThatIllegalArgumentException().isThrownBy(() -> this.chunker.split("some text", tokens, target, overlap));
	}

	@ParameterizedTest
	@CsvSource({ "16, 0", "16, 7", "512, 255", "512, 0" })
	void targetsAndOverlapsInRangeAreTaken(int target, int overlap) {
		Tokenization tokens = tokenizer.tokenize("some text");
		assertThatNoException().isThrownBy(() -> this.chunker.split("some text", tokens, target, overlap));
	}

	@Test
	void aMegabyteOfMarkdownIsSplit() {
		Random random = new Random(6);
		StringBuilder text = new StringBuilder(1_100_000);
		for (int section = 0; text.length() < 1_000_000; section++) {
			text.append("## Section ").append(section).append("\n\n").append(prose(random, 1 + random.nextInt(6), 12));
			if (section % 10 == 0) {
				text.append("```\nint x = ").append(section).append(";\n```\n\n");
			}
		}
		Tokenization tokens = tokenizer.tokenize(text.toString());
		List<TextChunk> chunks = split(text.toString(), tokens, 256, 32);
		assertThat(chunks).hasSizeBetween(tokens.count() / 256, tokens.count() / 64);
	}

	private List<TextChunk> split(String text, int target, int overlap) {
		return split(text, tokenizer.tokenize(text), target, overlap);
	}

	/** Splits and checks what holds for every split: exact, trimmed, within budget, ordered, covering. */
	private List<TextChunk> split(String text, Tokenization tokens, int target, int overlap) {
		List<TextChunk> chunks = this.chunker.split(text, tokens, target, overlap);
		BitSet covered = new BitSet(text.length());
		int previousStart = -1;
		for (TextChunk chunk : chunks) {
			String content = text.substring(chunk.start(), chunk.end());
			assertThat(content).isNotBlank().isEqualTo(content.strip());
			assertThat(chunk.tokens()).isEqualTo(tokens.countIn(chunk.start(), chunk.end()))
				.isLessThanOrEqualTo(target);
			assertThat(chunk.start()).isGreaterThan(previousStart);
			covered.set(chunk.start(), chunk.end());
			previousStart = chunk.start();
		}
		assertThat(IntStream.range(0, text.length())
			.filter((i) -> !Character.isWhitespace(text.charAt(i)) && !covered.get(i))
			.findFirst()).as("first character in no chunk").isEmpty();
		return chunks;
	}

	/** Paragraphs of sentences of 4 to 20 words, each paragraph ending in a blank line. */
	private static String prose(Random random, int paragraphs, int sentences) {
		StringBuilder text = new StringBuilder();
		for (int p = 0; p < paragraphs; p++) {
			for (int s = 0; s < sentences; s++) {
				int words = 4 + random.nextInt(17);
				text.append("Then");
				for (int w = 1; w < words; w++) {
					text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
				}
				text.append((s + 1 < sentences) ? ". " : ".\n\n");
			}
		}
		return text.toString();
	}

	/** The heading path at an offset, read naively: this test's texts have no code fences. */
	private static List<String> headingsAt(String text, int offset) {
		List<String> path = new ArrayList<>();
		List<Integer> levels = new ArrayList<>();
		int lineStart = 0;
		for (String line : text.split("\n")) {
			Matcher heading = HEADING.matcher(line.strip());
			if (lineStart > offset) {
				break;
			}
			if (heading.matches()) {
				int level = heading.group(1).length();
				while (!levels.isEmpty() && levels.getLast() >= level) {
					levels.removeLast();
					path.removeLast();
				}
				levels.add(level);
				path.add(heading.group(2));
			}
			lineStart += line.length() + 1;
		}
		return path;
	}

}
