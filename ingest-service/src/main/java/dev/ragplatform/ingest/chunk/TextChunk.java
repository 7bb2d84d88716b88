package dev.ragplatform.ingest.chunk;

import java.util.List;

/**
 * One chunk of a text: {@code text.substring(start, end)}.
 *
 * @param start offset of the chunk's first character
 * @param end offset after its last character
 * @param tokens the model's tokens that start in the chunk
 * @param headings the Markdown headings in force where the chunk starts, outermost first
 */
public record TextChunk(int start, int end, int tokens, List<String> headings) {

	public TextChunk {
		headings = List.copyOf(headings);
	}

}
