package dev.ragplatform.rerank.ranking;

import java.util.ArrayList;
import java.util.List;

import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

/** Reads the documents of a request: an array of strings or of objects {@code {"text": ...}} (Cohere, Jina). */
final class Documents {

	private Documents() {
	}

	static List<String> parse(JsonNode node, String field) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			throw ServiceProblem.badRequest(field + " is required: an array of strings or of objects {\"text\": ...}");
		}
		if (!node.isArray()) {
			throw ServiceProblem.badRequest(field + " must be an array of strings or of objects {\"text\": ...}");
		}
		List<String> texts = new ArrayList<>(node.size());
		int i = 0;
		for (JsonNode element : node.values()) {
			if (element.isString()) {
				texts.add(element.stringValue());
			}
			else if (element.isObject() && element.path("text").isString()) {
				texts.add(element.get("text").stringValue());
			}
			else {
				throw ServiceProblem.badRequest(field + "[" + i + "] must be a string or an object with a string field "
						+ "\"text\"");
			}
			i++;
		}
		return texts;
	}

}
