package dev.ragplatform.gateway.security;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the collections a JSON body names in top-level fields, as strictly as the services read them or more:
 * the body must be one JSON object; duplicate keys are refused (a service's Jackson would take the last one, so a
 * checker reading the first could be fooled); each field is absent, null or a string. The services ignore nested
 * fields of these names, so only top-level fields count.
 */
final class CollectionFields {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private CollectionFields() {
	}

	/** The collections named, or an {@link IllegalArgumentException} saying why the body cannot be checked. */
	static List<String> read(byte[] body, List<String> fields) {
		JsonNode root;
		try {
			root = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("the body is not valid JSON, or repeats a field: "
					+ ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("the body must be a JSON object");
		}
		List<String> named = new ArrayList<>();
		for (String field : fields) {
			JsonNode value = root.get(field);
			if (value == null || value.isNull()) {
				continue;
			}
			if (!value.isString()) {
				throw new IllegalArgumentException("'" + field + "' must be a string");
			}
			named.add(value.asString());
		}
		return named;
	}

}
