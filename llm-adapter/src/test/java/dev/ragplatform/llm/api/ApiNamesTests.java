package dev.ragplatform.llm.api;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Names as LLMs write them, and which near misses are corrected to which existing API. */
class ApiNamesTests {

	/** A slice of java.base as the Java API source connector names it. */
	static final List<String> EXISTING = List.of("java.util.List.add", "java.util.List.addAll", "java.util.List.size",
			"java.util.Vector.addElement", "java.util.Vector.add", "java.util.ArrayList.ArrayList",
			"java.lang.Integer.parseInt", "java.lang.Integer.valueOf", "java.lang.String.length",
			"java.lang.String.toUpperCase", "java.lang.String.split", "java.util.Map.Entry.getKey");

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			java.lang.Integer.parseInt(java.lang.String) | java.lang.Integer.parseInt
			java.lang.Integer#parseInt                   | java.lang.Integer.parseInt
			 java.util.List<E>.add()                     | java.util.List.add
			java.lang.String::split                      | java.lang.String.split
			java.lang.String.split.                      | java.lang.String.split
			""")
	void normalizesTheWaysNamesAreWritten(String written, String normalized) {
		assertThat(ApiNames.normalize(written)).isEqualTo(normalized);
	}

	@Test
	void parsesPackageClassAndMethodIncludingNestedTypesAndConstructors() {
		assertThat(ApiNames.parse("java.util.Map.Entry.getKey"))
			.isEqualTo(new ApiNames.Parts("java.util", "Map.Entry", "getKey"));
		assertThat(ApiNames.parse("java.util.ArrayList.ArrayList"))
			.isEqualTo(new ApiNames.Parts("java.util", "ArrayList", "ArrayList"));
		assertThat(ApiNames.parse("Integer.parseInt")).isEqualTo(new ApiNames.Parts("", "Integer", "parseInt"));
		assertThat(ApiNames.parse("java.util.Map.Entry.getKey").qualifiedType()).isEqualTo("java.util.Map.Entry");
	}

	@Test
	void levenshteinDistance() {
		assertThat(ApiNames.levenshtein("kitten", "sitting")).isEqualTo(3);
		assertThat(ApiNames.levenshtein("", "abc")).isEqualTo(3);
		assertThat(ApiNames.levenshtein("parseInt", "parseInt")).isZero();
		assertThat(ApiNames.textSimilarity("toUppercase", "toUpperCase")).isEqualTo(1.0); // case-insensitive
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			java.util.List.addElement      | java.util.Vector.addElement
			java.lang.Integer.parseInteger | java.lang.Integer.parseInt
			java.lang.String.parseInt      | java.lang.Integer.parseInt
			Integer.parseInt               | java.lang.Integer.parseInt
			java.lang.String.toUppercase   | java.lang.String.toUpperCase
			java.util.List.sizes           | java.util.List.size
			""")
	void correctsNearMisses(String named, String expected) {
		assertThat(ApiNames.closest(named, EXISTING, 0.7)).hasValueSatisfying((m) -> {
			assertThat(m.api()).isEqualTo(expected);
			assertThat(m.similarity()).isBetween(0.7, 1.0);
		});
	}

	@ParameterizedTest
	@CsvSource({ "com.example.Frobnicator.frobnicate", "java.util.List.frobnicate", "java.util.ArrayList.length",
			"java.util", "reverse" })
	void dropsWhatIsNotANearMiss(String named) {
		assertThat(ApiNames.closest(named, EXISTING, 0.7)).isEmpty();
	}

	@Test
	void theSameMethodOnASiblingClassBeatsACloseMethodOnTheNamedClass() {
		// List has add and addAll but no addElement; Vector (a List) has it
		double sibling = ApiNames.similarity("java.util.List.addElement", "java.util.Vector.addElement");
		double sameClass = ApiNames.similarity("java.util.List.addElement", "java.util.List.addAll");
		assertThat(sibling).isGreaterThan(sameClass);
		assertThat(sameClass).isLessThan(0.7);
	}

	@Test
	void searchTextSplitsCamelCase() {
		assertThat(ApiNames.searchText("java.util.List.addElement")).isEqualTo("List addElement add Element");
		assertThat(ApiNames.searchText("java.lang.String.split")).isEqualTo("String split");
	}

}
