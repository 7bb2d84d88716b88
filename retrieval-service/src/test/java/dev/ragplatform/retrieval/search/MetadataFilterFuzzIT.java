package dev.ragplatform.retrieval.search;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzz of the filter compiler with PostgreSQL as the judge. Thousands of random filters (nested
 * and/or/not, every operator, values of matching and mismatching types) run as compiled SQL/JSON paths over random
 * metadata of mixed shapes (missing fields, nulls, arrays, nested objects, a number where a string is usual); each
 * must select exactly the rows that an independent evaluation of the filter language selects (the documented
 * semantics, with SQL/JSON's lax mode: arrays match when an element does, a comparison of different types is unknown,
 * and unknown selects nothing, negated or not). Hostile field names and values are refused or compile into a path
 * PostgreSQL accepts; none is an SQL error.
 */
class MetadataFilterFuzzIT {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final int ROWS = 300;

	static final int FILTERS = 3000;

	final Random random = new Random(20261205);

	@Test
	void compiledFiltersSelectWhatTheLanguageSaysAndHostileOnesAreRefused() throws SQLException {
		PostgresDatabase db = RealInfrastructure.postgres(MetadataFilterFuzzIT.class);
		try (Connection sql = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
			sql.createStatement().execute("CREATE TEMP TABLE docs (id int PRIMARY KEY, metadata jsonb NOT NULL)");
			List<JsonNode> rows = new ArrayList<>();
			try (PreparedStatement insert = sql.prepareStatement("INSERT INTO docs VALUES (?, ?::jsonb)")) {
				for (int i = 0; i < ROWS; i++) {
					JsonNode metadata = metadata();
					rows.add(metadata);
					insert.setInt(1, i);
					insert.setString(2, JSON.writeValueAsString(metadata));
					insert.addBatch();
				}
				insert.executeBatch();
			}
			int selective = 0;
			List<String> wrong = new ArrayList<>();
			for (int f = 0; f < FILTERS; f++) {
				JsonNode filter = filter(0);
				String path = MetadataFilter.compile(filter);
				Set<Integer> selected = select(sql, path);
				Set<Integer> expected = new TreeSet<>();
				for (int i = 0; i < ROWS; i++) {
					if (evaluate(filter, rows.get(i)) == Truth.TRUE) {
						expected.add(i);
					}
				}
				if (!selected.equals(expected) && wrong.size() < 5) {
					wrong.add(filter + " → " + path + ": PostgreSQL selected " + selected.size() + " rows, the language "
							+ expected.size() + "; first difference at row " + firstDifference(selected, expected));
				}
				if (!expected.isEmpty() && expected.size() < ROWS) {
					selective++;
				}
			}
			assertThat(wrong).as("of %d filters", FILTERS).isEmpty();
			assertThat(selective).as("the filters are not all trivially empty or full").isGreaterThan(FILTERS / 5);

			int refused = 0;
			for (int f = 0; f < 1000; f++) {
				JsonNode hostile = hostile();
				String path;
				try {
					path = MetadataFilter.compile(hostile);
				}
				catch (MetadataFilter.InvalidFilterException ex) {
					refused++;
					continue;
				}
				select(sql, path); // must not be an SQL error
			}
			assertThat(refused).as("hostile field names are refused by the compiler").isGreaterThan(100);
			System.out.printf("filter fuzz: %d random filters (%d selecting some but not all of %d rows) agree with "
					+ "PostgreSQL; of 1000 hostile ones %d refused, the rest run without an SQL error%n", FILTERS, selective,
					ROWS, refused);
		}
	}

	private static Set<Integer> select(Connection sql, String path) throws SQLException {
		Set<Integer> ids = new TreeSet<>();
		String query = (path != null) ? "SELECT id FROM docs WHERE metadata @@ ?::jsonpath" : "SELECT id FROM docs";
		try (PreparedStatement statement = sql.prepareStatement(query)) {
			if (path != null) {
				statement.setString(1, path);
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					ids.add(rs.getInt(1));
				}
			}
		}
		return ids;
	}

	private static Object firstDifference(Set<Integer> a, Set<Integer> b) {
		Set<Integer> union = new TreeSet<>(a);
		union.addAll(b);
		return union.stream().filter((i) -> a.contains(i) != b.contains(i)).findFirst().orElse(null);
	}

	// ---- random metadata and filters

	private JsonNode metadata() {
		ObjectNode m = JSON.createObjectNode();
		if (chance(0.8)) {
			m.set("lang", pick(JSON.getNodeFactory().stringNode("en"), JSON.getNodeFactory().stringNode("de"),
					JSON.getNodeFactory().stringNode("fr"), JSON.getNodeFactory().numberNode(5),
					JSON.getNodeFactory().nullNode()));
		}
		if (chance(0.8)) {
			m.set("year", chance(0.9) ? JSON.getNodeFactory().numberNode(2015 + this.random.nextInt(10))
					: JSON.getNodeFactory().stringNode("2020"));
		}
		if (chance(0.7)) {
			m.put("score", new BigDecimal(this.random.nextInt(100)).movePointLeft(2));
		}
		if (chance(0.7)) {
			if (chance(0.8)) {
				ArrayNode tags = m.putArray("tags");
				for (int t = this.random.nextInt(4); t > 0; t--) {
					tags.add(word());
				}
			}
			else {
				m.put("tags", word());
			}
		}
		if (chance(0.7)) {
			m.put("draft", this.random.nextBoolean());
		}
		if (chance(0.6)) {
			m.putObject("source").put("kind", pickString("pdf", "html", "web"));
		}
		return m;
	}

	private JsonNode filter(int depth) {
		double roll = this.random.nextDouble();
		if (depth < 3 && roll < 0.25) {
			ObjectNode node = JSON.createObjectNode();
			ArrayNode parts = node.putArray(chance(0.5) ? "and" : "or");
			for (int i = 1 + this.random.nextInt(3); i > 0; i--) {
				parts.add(filter(depth + 1));
			}
			return node;
		}
		if (depth < 3 && roll < 0.35) {
			ObjectNode node = JSON.createObjectNode();
			node.set("not", filter(depth + 1));
			return node;
		}
		ObjectNode node = JSON.createObjectNode();
		for (int i = chance(0.8) ? 1 : 2; i > 0; i--) {
			String field = pickString("lang", "year", "score", "tags", "draft", "source.kind", "source", "missing");
			if (chance(0.3)) {
				node.set(field, value());
			}
			else {
				ObjectNode condition = node.putObject(field);
				for (int c = chance(0.8) ? 1 : 2; c > 0; c--) {
					String op = pickString("eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists");
					switch (op) {
						case "in", "nin" -> {
							ArrayNode values = condition.putArray(op);
							for (int v = 1 + this.random.nextInt(3); v > 0; v--) {
								values.add(value());
							}
						}
						case "gt", "gte", "lt", "lte" -> condition.set(op, chance(0.6)
								? JSON.getNodeFactory().numberNode(new BigDecimal(2015 + this.random.nextInt(10)))
								: JSON.getNodeFactory().stringNode(word()));
						case "exists" -> condition.put(op, this.random.nextBoolean());
						default -> condition.set(op, value());
					}
				}
			}
		}
		return node;
	}

	private JsonNode value() {
		return switch (this.random.nextInt(7)) {
			case 0 -> JSON.getNodeFactory().numberNode(2015 + this.random.nextInt(10));
			case 1 -> JSON.getNodeFactory().numberNode(new BigDecimal(this.random.nextInt(100)).movePointLeft(2));
			case 2 -> JSON.getNodeFactory().booleanNode(this.random.nextBoolean());
			case 3 -> JSON.getNodeFactory().nullNode();
			case 4 -> JSON.getNodeFactory().stringNode(pickString("en", "de", "pdf", "web", "2020"));
			default -> JSON.getNodeFactory().stringNode(word());
		};
	}

	private JsonNode hostile() {
		String[] pieces = { "\"", "'", "\\", "$", "@", ")", "(", "||", "&&", "!", ".", "..", "*", "[0]", " ", "\u0000",
				"é", "like_regex", "exists", "$.a", "\")", "; DROP TABLE docs; --", "x", "lang", "\n" };
		StringBuilder name = new StringBuilder();
		for (int i = 1 + this.random.nextInt(4); i > 0; i--) {
			name.append(pieces[this.random.nextInt(pieces.length)]);
		}
		ObjectNode filter = JSON.createObjectNode();
		if (chance(0.5)) {
			filter.put(name.toString(), name.toString());
		}
		else {
			filter.putObject(chance(0.5) ? "lang" : name.toString()).put(pickString("eq", "gt", "in", "like", "$"),
					name.toString());
		}
		return filter;
	}

	// ---- the filter language, evaluated directly (README and MetadataFilter's contract, SQL/JSON lax mode)

	enum Truth {

		TRUE, FALSE, UNKNOWN;

		Truth not() {
			return (this == TRUE) ? FALSE : (this == FALSE) ? TRUE : UNKNOWN;
		}

		Truth and(Truth other) {
			return (this == FALSE || other == FALSE) ? FALSE : (this == TRUE && other == TRUE) ? TRUE : UNKNOWN;
		}

		Truth or(Truth other) {
			return (this == TRUE || other == TRUE) ? TRUE : (this == FALSE && other == FALSE) ? FALSE : UNKNOWN;
		}

	}

	static Truth evaluate(JsonNode filter, JsonNode row) {
		Truth all = Truth.TRUE;
		for (Map.Entry<String, JsonNode> entry : filter.properties()) {
			JsonNode value = entry.getValue();
			Truth one = switch (entry.getKey()) {
				case "and" -> {
					Truth t = Truth.TRUE;
					for (JsonNode part : value) {
						t = t.and(evaluate(part, row));
					}
					yield t;
				}
				case "or" -> {
					Truth t = Truth.FALSE;
					for (JsonNode part : value) {
						t = t.or(evaluate(part, row));
					}
					yield t;
				}
				case "not" -> evaluate(value, row).not();
				default -> condition(resolve(row, entry.getKey()), value);
			};
			all = all.and(one);
		}
		return all;
	}

	private static Truth condition(List<JsonNode> items, JsonNode condition) {
		if (!condition.isObject()) {
			return compare(items, "==", condition);
		}
		Truth all = Truth.TRUE;
		for (Map.Entry<String, JsonNode> entry : condition.properties()) {
			JsonNode value = entry.getValue();
			Truth one = switch (entry.getKey()) {
				case "eq" -> compare(items, "==", value);
				case "ne" -> compare(items, "==", value).not();
				case "in", "nin" -> {
					Truth any = Truth.FALSE;
					for (JsonNode v : value) {
						any = any.or(compare(items, "==", v));
					}
					yield entry.getKey().equals("in") ? any : any.not();
				}
				case "gt" -> compare(items, ">", value);
				case "gte" -> compare(items, ">=", value);
				case "lt" -> compare(items, "<", value);
				case "lte" -> compare(items, "<=", value);
				case "exists" -> (items.isEmpty() == value.booleanValue()) ? Truth.FALSE : Truth.TRUE;
				default -> throw new IllegalStateException(entry.getKey());
			};
			all = all.and(one);
		}
		return all;
	}

	/** The values at a dotted path: missing keys give nothing, arrays on the way are looked into (lax mode). */
	private static List<JsonNode> resolve(JsonNode row, String path) {
		List<JsonNode> items = List.of(row);
		for (String key : path.split("\\.")) {
			List<JsonNode> next = new ArrayList<>();
			for (JsonNode item : unwrap(items)) {
				if (item.isObject() && item.has(key)) {
					next.add(item.get(key));
				}
			}
			items = next;
		}
		return items;
	}

	private static List<JsonNode> unwrap(List<JsonNode> items) {
		List<JsonNode> flat = new ArrayList<>();
		for (JsonNode item : items) {
			if (item.isArray()) {
				item.forEach(flat::add);
			}
			else {
				flat.add(item);
			}
		}
		return flat;
	}

	/** True when any item compares true, else unknown when any comparison is unknown, else false. */
	private static Truth compare(List<JsonNode> items, String op, JsonNode literal) {
		boolean unknown = false;
		for (JsonNode item : unwrap(items)) {
			Truth t = compareOne(item, op, literal);
			if (t == Truth.TRUE) {
				return Truth.TRUE;
			}
			unknown |= (t == Truth.UNKNOWN);
		}
		return unknown ? Truth.UNKNOWN : Truth.FALSE;
	}

	private static Truth compareOne(JsonNode a, String op, JsonNode b) {
		if (a.isObject() || a.isArray()) {
			return b.isNull() ? Truth.FALSE : Truth.UNKNOWN;
		}
		if (kind(a) != kind(b)) {
			return (a.isNull() || b.isNull()) ? Truth.FALSE : Truth.UNKNOWN;
		}
		int cmp;
		if (a.isNull()) {
			cmp = 0;
		}
		else if (a.isBoolean()) {
			cmp = Boolean.compare(a.booleanValue(), b.booleanValue());
		}
		else if (a.isNumber()) {
			cmp = a.decimalValue().compareTo(b.decimalValue());
		}
		else {
			cmp = a.stringValue().compareTo(b.stringValue());
		}
		boolean result = switch (op) {
			case "==" -> cmp == 0;
			case ">" -> cmp > 0;
			case ">=" -> cmp >= 0;
			case "<" -> cmp < 0;
			default -> cmp <= 0;
		};
		return result ? Truth.TRUE : Truth.FALSE;
	}

	private static int kind(JsonNode node) {
		return node.isNull() ? 0 : node.isBoolean() ? 1 : node.isNumber() ? 2 : node.isString() ? 3 : 4;
	}

	// ---- helpers

	private boolean chance(double p) {
		return this.random.nextDouble() < p;
	}

	private String word() {
		return pickString("a", "b", "c", "d", "en", "pdf");
	}

	private String pickString(String... options) {
		return options[this.random.nextInt(options.length)];
	}

	private JsonNode pick(JsonNode... options) {
		return options[this.random.nextInt(options.length)];
	}

}
