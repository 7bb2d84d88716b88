package dev.ragplatform.rerank.model;

import java.util.Collection;

/** A request named a model this service does not serve. */
public class UnknownModelException extends RuntimeException {

	UnknownModelException(String name, Collection<String> known) {
		super("unknown model '" + name + "'; this service serves " + String.join(", ", known));
	}

}
