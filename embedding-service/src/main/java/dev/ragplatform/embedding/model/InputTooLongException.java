package dev.ragplatform.embedding.model;

/** An input has more tokens than the model takes and truncation was not allowed. */
public class InputTooLongException extends RuntimeException {

	public InputTooLongException(int index, int tokens, int maxTokens) {
		super("input " + index + " has " + tokens + " tokens; the model takes at most " + maxTokens
				+ " (send truncate=true to cut it)");
	}

}
