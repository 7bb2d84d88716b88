package dev.ragplatform.gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CollectionFieldsTests {

	private static List<String> read(String json, String... fields) {
		return CollectionFields.read(json.getBytes(StandardCharsets.UTF_8), List.of(fields));
	}

	@Test
	void readsTopLevelStringFields() {
		assertThat(read("{\"apiCollection\": \"jdk\", \"examplesCollection\": \"biker\", \"query\": \"x\"}",
				"apiCollection", "examplesCollection")).containsExactly("jdk", "biker");
	}

	@Test
	void absentAndNullFieldsNameNothing() {
		assertThat(read("{\"apiCollection\": \"jdk\", \"examplesCollection\": null}", "apiCollection",
				"examplesCollection")).containsExactly("jdk");
	}

	@Test
	void nestedFieldsOfTheSameNameDoNotCount() {
		assertThat(read("{\"collection\": \"a\", \"filter\": {\"collection\": \"b\"}}", "collection")).containsExactly("a");
	}

	@Test
	void escapedFieldNamesAreReadAsTheServicesReadThem() {
		assertThat(read("{\"coll\\u0065ction\": \"b\"}", "collection")).containsExactly("b");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"collection\": \"a\", \"collection\": \"b\"}", "{\"collection\": [\"a\", \"b\"]}",
			"{\"collection\": 1}", "{\"collection\": {\"name\": \"b\"}}", "[{\"collection\": \"a\"}]", "\"a\"", "",
			"{\"collection\": \"a\"", "{\"collection\": \"a\"} {\"collection\": \"b\"}", "{'collection': 'b'}",
			"{\"collection\": \"a\" /* b */}" })
	void refusesBodiesItCannotReadUnambiguously(String body) {
		assertThatIllegalArgumentException().isThrownBy(() -> read(body, "collection"));
	}

}
