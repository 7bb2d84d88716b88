package dev.ragplatform.embedding.model;

import java.util.Locale;

/** Which side of retrieval a text is on: the query asks, the document (key) is found. */
public enum InputType {

	QUERY, DOCUMENT;

	public static InputType parse(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "query", "search_query" -> QUERY;
			case "document", "passage", "key", "search_document" -> DOCUMENT;
			default -> throw new IllegalArgumentException(
					"input_type must be 'query' or 'document', not '" + value + "'");
		};
	}

}
