package dev.ragplatform.rerank.model;

/** The query has too many tokens for the model; queries are never truncated. */
public class QueryTooLongException extends RuntimeException {

	QueryTooLongException(String message) {
		super(message);
	}

}
