package dev.ragplatform.retrieval.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataFilterTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static String compile(String filter) {
		return MetadataFilter.compile(JSON.readTree(filter));
	}

	@Test
	void compilesEveryOperatorToAPathPredicate() {
		assertThat(compile("{}")).isNull();
		assertThat(compile("null")).isNull();
		assertThat(compile("{\"lang\": \"en\"}")).isEqualTo("($.\"lang\" == \"en\")");
		assertThat(compile("{\"a.b\": {\"gte\": 1.5, \"lt\": -2}}"))
			.isEqualTo("(($.\"a\".\"b\" >= 1.5) && ($.\"a\".\"b\" < -2))");
		assertThat(compile("{\"t\": {\"in\": [\"x\", 2, true, null]}}"))
			.isEqualTo("($.\"t\" == \"x\" || $.\"t\" == 2 || $.\"t\" == true || $.\"t\" == null)");
		assertThat(compile("{\"t\": {\"nin\": [\"x\"]}}")).isEqualTo("!($.\"t\" == \"x\")");
		assertThat(compile("{\"t\": {\"ne\": 1}}")).isEqualTo("!($.\"t\" == 1)");
		assertThat(compile("{\"t\": {\"exists\": false}}")).isEqualTo("!exists($.\"t\")");
		assertThat(compile("{\"or\": [{\"a\": 1}, {\"not\": {\"b\": 2}}]}"))
			.isEqualTo("(($.\"a\" == 1) || !(($.\"b\" == 2)))");
		assertThat(compile("{\"a\": 1, \"b\": 2}")).isEqualTo("(($.\"a\" == 1) && ($.\"b\" == 2))");
	}

	@Test
	void stringValuesAreEscapedJsonLiterals() {
		assertThat(compile("{\"a\": \"x\\\" || true || \\\"\"}")).isEqualTo("($.\"a\" == \"x\\\" || true || \\\"\")");
		assertThat(compile("{\"a\": \"back\\\\slash\"}")).isEqualTo("($.\"a\" == \"back\\\\slash\")");
	}

	@ParameterizedTest
	@ValueSource(strings = { "[1]", "\"x\"", "{\"a\": {}}", "{\"a\": {\"like\": 1}}", "{\"a\": [1]}",
			"{\"a\": {\"in\": 1}}", "{\"a\": {\"exists\": 1}}", "{\"a\": {\"gt\": true}}", "{\"or\": []}",
			"{\"not\": 1}", "{\"a b\": 1}", "{\"a\\\"\": 1}", "{\"1a\": 1}", "{\"a..b\": 1}", "{\"$\": 1}" })
	void rejectsWhatIsNotTheLanguage(String filter) {
		assertThatThrownBy(() -> compile(filter)).isInstanceOf(MetadataFilter.InvalidFilterException.class);
	}

	@Test
	void limitsSizeAndDepth() {
		String deep = "{\"a\": 1}";
		for (int i = 0; i < 20; i++) {
			deep = "{\"not\": " + deep + "}";
		}
		String nested = deep;
		assertThatThrownBy(() -> compile(nested)).hasMessageContaining("deeper");
		StringBuilder many = new StringBuilder("{\"a\": {\"in\": [");
		for (int i = 0; i < 300; i++) {
			many.append(i).append(i < 299 ? "," : "");
		}
		assertThatThrownBy(() -> compile(many + "]}}")).hasMessageContaining("more than");
	}


	@Test
	void aNulInAValueIsRefusedNotPassedToPostgreSql() {
		// found by MetadataFilterFuzzIT: a NUL escape in a path is an SQL error (a 500), not a filter
		assertThatThrownBy(() -> compile("{\"lang\": {\"eq\": \"a\\u0000b\"}}"))
			.isInstanceOf(MetadataFilter.InvalidFilterException.class)
			.hasMessageContaining("NUL");
	}

}
