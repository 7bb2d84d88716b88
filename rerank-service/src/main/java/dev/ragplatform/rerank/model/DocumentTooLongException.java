package dev.ragplatform.rerank.model;

/** A document has more tokens than the model leaves it and truncation was not allowed. */
public class DocumentTooLongException extends RuntimeException {

	DocumentTooLongException(int index, int tokens, int allowed, String model) {
		super("document " + index + " has " + tokens + " tokens; " + model + " leaves room for " + allowed
				+ " beside this query (send truncate=true to cut it)");
	}

}
