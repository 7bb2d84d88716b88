package dev.ragplatform.retrieval.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compiles the JSON filter language over chunk metadata into one SQL/JSON path predicate, which is bound as a
 * parameter ({@code metadata @@ ?::jsonpath}) and can use the GIN {@code jsonb_path_ops} index. Nothing from
 * the filter is ever concatenated into SQL; inside the path, field names must match a strict pattern and values
 * are written as JSON literals, so a filter cannot change the predicate's structure either.
 * <pre>
 * {"lang": "en"}                                  equality shorthand
 * {"year": {"gte": 2019, "lt": 2024}}              operators: eq ne in nin gt gte lt lte exists
 * {"or": [{"tags": {"in": ["a", "b"]}}, {"not": {"draft": true}}]}
 * {"source.kind": {"exists": true}}               nested fields with dots
 * </pre>
 * Several keys in one object are all required (and). {@code eq} and {@code in} on an array field match when
 * any element matches; {@code ne} and {@code nin} match chunks that lack the field.
 */
final class MetadataFilter {

	static final int MAX_NODES = 256;

	static final int MAX_DEPTH = 16;

	private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}(\\.[A-Za-z_][A-Za-z0-9_-]{0,63}){0,7}");

	private static final Map<String, String> COMPARISONS = Map.of("gt", ">", "gte", ">=", "lt", "<", "lte", "<=");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private int nodes;

	private MetadataFilter() {
	}

	/** The SQL/JSON path predicate, or null when there is no filter (absent, null or {}). */
	static String compile(JsonNode filter) {
		if (filter == null || filter.isNull() || filter.isMissingNode() || (filter.isObject() && filter.isEmpty())) {
			return null;
		}
		return new MetadataFilter().node(filter, 0, "filter");
	}

	private String node(JsonNode node, int depth, String where) {
		if (depth > MAX_DEPTH) {
			throw new InvalidFilterException("the filter is nested deeper than " + MAX_DEPTH + " levels");
		}
		if (!node.isObject() || node.isEmpty()) {
			throw new InvalidFilterException(where + " must be a non-empty object");
		}
		List<String> clauses = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			count();
			String key = entry.getKey();
			JsonNode value = entry.getValue();
			switch (key) {
				case "and", "or" -> {
					if (!value.isArray() || value.isEmpty()) {
						throw new InvalidFilterException("'" + key + "' takes a non-empty array of filters");
					}
					List<String> parts = new ArrayList<>();
					for (int i = 0; i < value.size(); i++) {
						parts.add(node(value.get(i), depth + 1, key + "[" + i + "]"));
					}
					clauses.add("(" + String.join(key.equals("and") ? " && " : " || ", parts) + ")");
				}
				case "not" -> clauses.add("!(" + node(value, depth + 1, "not") + ")");
				default -> clauses.add(field(key, value));
			}
		}
		return (clauses.size() == 1) ? clauses.get(0) : "(" + String.join(" && ", clauses) + ")";
	}

	private String field(String name, JsonNode condition) {
		if (!FIELD.matcher(name).matches()) {
			throw new InvalidFilterException("'" + name + "' is not a field name: use letters, digits, '_' and '-', "
					+ "with '.' between nested names, or the operators and, or, not");
		}
		String path = "$" + String.join("", List.of(name.split("\\.")).stream().map((s) -> ".\"" + s + "\"").toList());
		if (!condition.isObject()) {
			return "(" + path + " == " + scalar(condition, name) + ")";
		}
		if (condition.isEmpty()) {
			throw new InvalidFilterException("the condition on '" + name + "' is empty");
		}
		List<String> clauses = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : condition.properties()) {
			count();
			String op = entry.getKey();
			JsonNode value = entry.getValue();
			switch (op) {
				case "eq" -> clauses.add("(" + path + " == " + scalar(value, name) + ")");
				case "ne" -> clauses.add("!(" + path + " == " + scalar(value, name) + ")");
				case "in", "nin" -> {
					if (!value.isArray() || value.isEmpty()) {
						throw new InvalidFilterException("'" + op + "' on '" + name + "' takes a non-empty array");
					}
					List<String> any = new ArrayList<>();
					for (JsonNode item : value) {
						count();
						any.add(path + " == " + scalar(item, name));
					}
					String disjunction = "(" + String.join(" || ", any) + ")";
					clauses.add(op.equals("in") ? disjunction : "!" + disjunction);
				}
				case "gt", "gte", "lt", "lte" -> {
					if (!value.isNumber() && !value.isString()) {
						throw new InvalidFilterException("'" + op + "' on '" + name + "' takes a number or a string");
					}
					clauses.add("(" + path + " " + COMPARISONS.get(op) + " " + scalar(value, name) + ")");
				}
				case "exists" -> {
					if (!value.isBoolean()) {
						throw new InvalidFilterException("'exists' on '" + name + "' takes true or false");
					}
					clauses.add(value.booleanValue() ? "exists(" + path + ")" : "!exists(" + path + ")");
				}
				default -> throw new InvalidFilterException("unknown operator '" + op + "' on '" + name
						+ "': use eq, ne, in, nin, gt, gte, lt, lte, exists");
			}
		}
		return (clauses.size() == 1) ? clauses.get(0) : "(" + String.join(" && ", clauses) + ")";
	}

	/** A JSON scalar as an SQL/JSON path literal. */
	private static String scalar(JsonNode value, String name) {
		if (value.isString()) {
			if (value.stringValue().indexOf('\u0000') >= 0) {
				// PostgreSQL text (hence metadata) cannot hold NUL, and a path with a NUL escape is an SQL error
				throw new InvalidFilterException("the value for '" + name + "' contains a NUL character, which no "
						+ "metadata can hold");
			}
			return JSON.writeValueAsString(value.stringValue());
		}
		if (value.isNumber()) {
			return value.decimalValue().toPlainString();
		}
		if (value.isBoolean()) {
			return String.valueOf(value.booleanValue());
		}
		if (value.isNull()) {
			return "null";
		}
		throw new InvalidFilterException("the value for '" + name + "' must be a string, number, boolean or null");
	}

	private void count() {
		if (++this.nodes > MAX_NODES) {
			throw new InvalidFilterException("the filter has more than " + MAX_NODES + " terms");
		}
	}

	/** A filter that does not follow the language; answered as 400 with this message. */
	static final class InvalidFilterException extends RuntimeException {

		InvalidFilterException(String message) {
			super(message);
		}

	}

}
