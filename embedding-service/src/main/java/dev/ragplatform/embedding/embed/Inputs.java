package dev.ragplatform.embedding.embed;

import java.util.ArrayList;
import java.util.List;

import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

/** Reads the texts of a request: one string or an array of strings, as OpenAI and TEI accept them. */
final class Inputs {

	private Inputs() {
	}

	static List<String> parse(JsonNode node, String field) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			throw ServiceProblem.unprocessable("Empty input", field + " is required: a string or an array of strings");
		}
		if (node.isString()) {
			return List.of(node.stringValue());
		}
		if (node.isArray()) {
			List<String> texts = new ArrayList<>(node.size());
			for (JsonNode element : node.values()) {
				if (!element.isString()) {
					throw ServiceProblem.badRequest(field + " must be a string or an array of strings"
							+ (element.isNumber() || element.isArray() ? " (token arrays are not supported: send text)" : ""));
				}
				texts.add(element.stringValue());
			}
			return texts;
		}
		throw ServiceProblem.badRequest(field + " must be a string or an array of strings");
	}

}
