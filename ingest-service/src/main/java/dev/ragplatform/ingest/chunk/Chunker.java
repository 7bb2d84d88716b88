package dev.ragplatform.ingest.chunk;

import java.text.BreakIterator;
import java.text.StringCharacterIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Splits a text into chunks of at most a number of the model's tokens, cutting at the strongest boundary it can: a
 * Markdown heading, a fenced code block, a blank line, a line break, a sentence, a word, and only as a last resort
 * between two tokens. Chunks are offsets into the text, never copies. Each chunk after the first repeats up to an
 * overlap of its predecessor's end, from a sentence or word start and never across a heading. Stateless.
 */
public class Chunker {

	static final int MIN_TARGET_TOKENS = 16;

	/**
	 * Chunks of {@code text}, in order, that together hold every non-whitespace character.
	 * @param tokens the model's tokens of the whole text
	 * @param targetTokens the most tokens a chunk may have, at least 16
	 * @param overlapTokens the most tokens a chunk repeats of the previous one, below half the target
	 */
	public List<TextChunk> split(String text, Tokenization tokens, int targetTokens, int overlapTokens) {
		if (targetTokens < MIN_TARGET_TOKENS) {
			throw new IllegalArgumentException(
					"targetTokens must be at least " + MIN_TARGET_TOKENS + " but was " + targetTokens);
		}
		if (overlapTokens < 0 || overlapTokens >= targetTokens / 2) {
			throw new IllegalArgumentException("overlapTokens must be at least 0 and below targetTokens / 2 ("
					+ targetTokens / 2 + ") but was " + overlapTokens);
		}
		return new Split(text, tokens, targetTokens, overlapTokens).chunks();
	}

	/** What separates two pieces of text, from the weakest to the strongest. */
	private enum Boundary {

		TOKEN, WORD, SENTENCE, LINE, PARAGRAPH, FENCE, HEADING, END;

		Boundary finer(boolean code) {
			return switch (this) {
				// code has no sentences: a long line is cut between words
				case LINE -> code ? WORD : SENTENCE;
				case SENTENCE -> WORD;
				case WORD -> TOKEN;
				default -> null;
			};
		}

		Boundary max(Boundary other) {
			return (compareTo(other) >= 0) ? this : other;
		}

	}

	/** One call's work: first the text is cut into pieces that fit, then pieces are joined into chunks. */
	private static final class Split {

		private static final Pattern HEADING = Pattern.compile("#{1,6}[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*");

		private final String text;

		private final Tokenization tokens;

		private final int target;

		private final int overlap;

		private final Matcher heading;

		private final BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);

		// pieces: trimmed, at most target tokens each, with the boundary before each
		private int[] starts = new int[256];

		private int[] ends = new int[256];

		private Boundary[] boundaries = new Boundary[256];

		private boolean[] whole = new boolean[256];

		private int size;

		// sections: where each heading line starts, and the headings in force from there
		private final List<Integer> sectionStarts = new ArrayList<>();

		private final List<List<String>> sectionPaths = new ArrayList<>();

		// the strongest boundary met since the last block
		private Boundary pending = Boundary.PARAGRAPH;

		Split(String text, Tokenization tokens, int target, int overlap) {
			this.text = text;
			this.tokens = tokens;
			this.target = target;
			this.overlap = overlap;
			this.heading = HEADING.matcher(text);
		}

		List<TextChunk> chunks() {
			scan();
			List<TextChunk> chunks = new ArrayList<>();
			int previous = -1;
			for (int first = 0; first < this.size;) {
				int start = this.starts[first];
				if (previous >= 0 && this.overlap > 0 && this.boundaries[first] != Boundary.HEADING) {
					// the overlap must leave room for the first new piece
					int room = this.target - count(start, this.ends[first]);
					start = overlapStart(start, previous, Math.min(this.overlap, room));
				}
				int last = lastPiece(start, first);
				chunks.add(new TextChunk(start, this.ends[last], count(start, this.ends[last]), path(start)));
				previous = start;
				first = last + 1;
			}
			return chunks;
		}

		/** Cuts the text into blocks (headings, code fences, paragraphs) line by line, and those into pieces. */
		private void scan() {
			Deque<Heading> open = new ArrayDeque<>();
			int paragraph = -1;
			int fence = -1;
			char fenceChar = 0;
			int fenceLength = 0;
			for (int line = 0; line < this.text.length();) {
				int newline = this.text.indexOf('\n', line);
				int next = (newline < 0) ? this.text.length() : newline + 1;
				int end = (newline < 0) ? this.text.length() : newline;
				if (end > line && this.text.charAt(end - 1) == '\r') {
					end--;
				}
				int indent = indent(line, end);
				if (fence >= 0) {
					int run = run(indent, end, fenceChar);
					if (run >= fenceLength && isBlank(indent + run, end)) {
						block(fence, end, Boundary.FENCE, true);
						this.pending = Boundary.FENCE;
						fence = -1;
					}
				}
				else if (isBlank(line, end)) {
					paragraph = endParagraph(paragraph, line);
				}
				else if (opensFence(indent, end)) {
					paragraph = endParagraph(paragraph, line);
					fence = line;
					fenceChar = this.text.charAt(indent);
					fenceLength = run(indent, end, fenceChar);
				}
				else if (this.text.charAt(line) == '#' && this.heading.region(line, end).matches()) {
					paragraph = endParagraph(paragraph, line);
					int level = run(line, end, '#');
					while (!open.isEmpty() && open.peek().level() >= level) {
						open.pop();
					}
					open.push(new Heading(level, this.heading.group(1)));
					this.sectionStarts.add(line);
					this.sectionPaths.add(open.reversed().stream().map(Heading::title).toList());
					block(line, end, Boundary.HEADING, false);
				}
				else if (paragraph < 0) {
					paragraph = line;
				}
				line = next;
			}
			if (fence >= 0) {
				// an unclosed fence runs to the end of the text, as in CommonMark
				block(fence, this.text.length(), Boundary.FENCE, true);
			}
			endParagraph(paragraph, this.text.length());
		}

		private int endParagraph(int paragraph, int end) {
			if (paragraph >= 0) {
				block(paragraph, end, Boundary.PARAGRAPH, false);
			}
			return -1;
		}

		private void block(int from, int to, Boundary own, boolean code) {
			Boundary boundary = this.pending.max(own);
			this.pending = Boundary.PARAGRAPH;
			split(from, to, boundary, Boundary.LINE, code);
		}

		/**
		 * Adds {@code [from, to)} as one piece if it fits, else cuts it at every {@code level} boundary and splits
		 * the parts at the next finer level.
		 */
		private void split(int from, int to, Boundary boundary, Boundary level, boolean code) {
			while (from < to && isWhitespace(from)) {
				from++;
			}
			while (to > from && isWhitespace(to - 1)) {
				to--;
			}
			if (from == to) {
				return;
			}
			if (level == null || count(from, to) <= this.target) {
				// a code block that fits as a block is kept whole: not even an overlap starts inside it
				add(from, to, boundary, code && level == Boundary.LINE);
				return;
			}
			int[] cuts = cuts(from, to, level);
			int start = from;
			for (int i = 0; i <= cuts.length; i++) {
				int end = (i < cuts.length) ? cuts[i] : to;
				int before = this.size;
				split(start, end, boundary, level.finer(code), code);
				if (this.size > before) {
					boundary = level;
				}
				start = end;
			}
		}

		/** Where {@code [from, to)} may be cut at this level, ascending, ends excluded. */
		private int[] cuts(int from, int to, Boundary level) {
			IntStream.Builder cuts = IntStream.builder();
			switch (level) {
				case LINE -> {
					for (int i = this.text.indexOf('\n', from); i >= 0 && i < to; i = this.text.indexOf('\n', i + 1)) {
						cuts.add(i + 1);
					}
				}
				case SENTENCE -> {
					this.sentences.setText(new StringCharacterIterator(this.text, from, to, from));
					for (int i = this.sentences.next(); i != BreakIterator.DONE && i < to; i = this.sentences.next()) {
						cuts.add(i);
					}
				}
				case WORD -> {
					for (int i = from + 1; i < to; i++) {
						if (isWhitespace(i - 1) && !isWhitespace(i)) {
							cuts.add(i);
						}
					}
				}
				default -> {
					int[] starts = this.tokens.starts();
					for (int t = this.tokens.before(from + 1); t < starts.length && starts[t] < to; t++) {
						cuts.add(starts[t]);
					}
				}
			}
			return cuts.build().toArray();
		}

		private void add(int from, int to, Boundary boundary, boolean wholeCode) {
			if (this.size == this.starts.length) {
				int capacity = this.size * 2;
				this.starts = Arrays.copyOf(this.starts, capacity);
				this.ends = Arrays.copyOf(this.ends, capacity);
				this.boundaries = Arrays.copyOf(this.boundaries, capacity);
				this.whole = Arrays.copyOf(this.whole, capacity);
			}
			this.starts[this.size] = from;
			this.ends[this.size] = to;
			this.boundaries[this.size] = boundary;
			this.whole[this.size] = wholeCode;
			this.size++;
		}

		/**
		 * The last piece of the chunk that starts at {@code start} (piece {@code first} being its first new one):
		 * the one followed by the strongest boundary, the latest of equals, preferring those that fill at least half
		 * of what the overlap left; so a big section starts a chunk at its heading, a small one joins its neighbours.
		 */
		private int lastPiece(int start, int first) {
			int overlapped = count(start, this.starts[first]);
			int enough = overlapped + (this.target - overlapped + 1) / 2;
			int best = first;
			Boundary bestBoundary = null;
			boolean bestHalfFull = false;
			for (int i = first; i < this.size; i++) {
				int tokens = count(start, this.ends[i]);
				if (tokens > this.target) {
					break;
				}
				Boundary after = (i + 1 < this.size) ? this.boundaries[i + 1] : Boundary.END;
				boolean halfFull = tokens >= enough;
				if (bestBoundary == null || (halfFull && !bestHalfFull)
						|| (halfFull == bestHalfFull && after.compareTo(bestBoundary) >= 0)) {
					best = i;
					bestBoundary = after;
					bestHalfFull = halfFull;
				}
			}
			return best;
		}

		/**
		 * Where a chunk whose new text starts at {@code next} begins: up to {@code budget} tokens earlier, moved
		 * forward to a sentence or word start, after the previous chunk's start and not before the section's.
		 */
		private int overlapStart(int next, int previous, int budget) {
			if (budget <= 0) {
				return next;
			}
			int first = this.tokens.before(next) - budget;
			int floor = Math.max(previous + 1, sectionStart(next));
			int start = wordStart(Math.max(floor, (first < 0) ? 0 : this.tokens.starts()[first]), next);
			// a sentence start in the first half of the overlap reads better than a word in mid-sentence; the
			// iterator sees only the overlap and a little before it, else a text without full stops is quadratic
			this.sentences.setText(new StringCharacterIterator(this.text, Math.max(0, start - 200), next, start));
			int sentence = this.sentences.isBoundary(start) ? start : this.sentences.following(start);
			if (sentence < next && count(start, sentence) <= budget / 2) {
				start = wordStart(sentence, next);
			}
			// a code block kept whole is entered at its start or not at all
			int piece = pieceAt(start);
			if (piece >= 0 && this.whole[piece] && start > this.starts[piece] && start < this.ends[piece]) {
				start = this.starts[piece + 1];
			}
			return start;
		}

		/** The first word start at or after {@code offset}, or {@code limit}. */
		private int wordStart(int offset, int limit) {
			int i = offset;
			if (i > 0 && !isWhitespace(i - 1)) {
				while (i < limit && !isWhitespace(i)) {
					i++;
				}
			}
			while (i < limit && isWhitespace(i)) {
				i++;
			}
			return Math.min(i, limit);
		}

		private int pieceAt(int offset) {
			int found = Arrays.binarySearch(this.starts, 0, this.size, offset);
			return (found >= 0) ? found : -found - 2;
		}

		private int sectionStart(int offset) {
			int section = section(offset);
			return (section >= 0) ? this.sectionStarts.get(section) : 0;
		}

		private List<String> path(int offset) {
			int section = section(offset);
			return (section >= 0) ? this.sectionPaths.get(section) : List.of();
		}

		private int section(int offset) {
			int low = 0;
			int high = this.sectionStarts.size();
			while (low < high) {
				int mid = (low + high) >>> 1;
				if (this.sectionStarts.get(mid) <= offset) {
					low = mid + 1;
				}
				else {
					high = mid;
				}
			}
			return low - 1;
		}

		private int count(int from, int to) {
			return this.tokens.countIn(from, to);
		}

		/** Whether a line (from its indent) opens a code fence: three backticks or tildes, as in CommonMark. */
		private boolean opensFence(int from, int to) {
			char c = (from < to) ? this.text.charAt(from) : 0;
			int run = run(from, to, c);
			// "```x```" is inline code, not a fence
			return (c == '`' || c == '~') && run >= 3
					&& (c == '~' || this.text.indexOf('`', from + run) < 0 || this.text.indexOf('`', from + run) >= to);
		}

		private int indent(int from, int to) {
			int i = from;
			while (i < to && i < from + 3 && this.text.charAt(i) == ' ') {
				i++;
			}
			return i;
		}

		private int run(int from, int to, char c) {
			int i = from;
			while (i < to && this.text.charAt(i) == c) {
				i++;
			}
			return i - from;
		}

		private boolean isBlank(int from, int to) {
			for (int i = from; i < to; i++) {
				if (!isWhitespace(i)) {
					return false;
				}
			}
			return true;
		}

		private boolean isWhitespace(int i) {
			return Character.isWhitespace(this.text.charAt(i));
		}

		private record Heading(int level, String title) {
		}

	}

}
