package dev.ragplatform.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class BikerSuiteTests {

	@Test
	void nearCopiesAreTitlesEqualOnceLowerCasedWithOnlyLettersAndDigits() {
		assertThat(BikerSuite.key("How to convert a String to an int in Java?"))
			.isEqualTo(BikerSuite.key("how to convert a string to an int in java"))
			.isEqualTo("howtoconvertastringtoanintinjava");
		assertThat(BikerSuite.key("Java 8: sort a List<Integer>")).isEqualTo("java8sortalistinteger");
		assertThat(BikerSuite.key("sort a list")).isNotEqualTo(BikerSuite.key("sort a set"));
	}

	@Test
	void examplesAreOneDocumentPerDistinctQuestionAndAnswerWithTheirApisAndTitleKey(@TempDir Path dir)
			throws Exception {
		Path csv = dir.resolve("train.csv");
		Files.writeString(csv, """
				,title,answer
				0,"Convert String to int?","['java.lang.Integer.parseInt', 'java.lang.Integer.valueOf']"
				1,"Convert String to int?","['java.lang.Integer.parseInt', 'java.lang.Integer.valueOf']"
				2,"convert string to int","['java.lang.Integer.parseInt']"
				3,"no answer","[]"
				""");
		List<BikerSuite.Example> examples = BikerSuite.examples(csv);
		assertThat(examples).extracting(BikerSuite.Example::title)
			.containsExactly("Convert String to int?", "convert string to int");
		Platform.Submission first = examples.get(0).submission();
		assertThat(first.metadata()).containsEntry("apis",
				List.of("java.lang.Integer.parseInt", "java.lang.Integer.valueOf"))
			.containsEntry("titleKey", "convertstringtoint");
		assertThat(first.externalId()).isEqualTo(examples.get(0).submission().externalId())
			.isNotEqualTo(examples.get(1).submission().externalId());
	}

	@Test
	void devQuestionsComeFromTrainingNeverNearCopyATestQuestionAndTakeTheirCopiesAnswers(@TempDir Path dir)
			throws Exception {
		Path test = dir.resolve("test.csv");
		Files.writeString(test, ",title,answer\n0,How to sort a list?,['java.util.Collections.sort']\n");
		Path train = dir.resolve("train.csv");
		Files.writeString(train, """
				,title,answer
				0,"how to sort a List","['java.util.List.sort']"
				1,"Parse an int","['java.lang.Integer.parseInt']"
				2,"parse an int!","['java.lang.Integer.valueOf']"
				3,"Read a file","['java.nio.file.Files.readString']"
				4,"Join strings","['java.lang.String.join']"
				5,"Reverse a list","['java.util.Collections.reverse']"
				""");
		List<BikerSuite.Query> all = BikerSuite.devQueries(train, test, 100, 27, (api) -> true);
		assertThat(all).extracting(BikerSuite.Query::title)
			.containsExactlyInAnyOrder("Parse an int", "Read a file", "Join strings", "Reverse a list");
		assertThat(all).filteredOn((q) -> q.title().equals("Parse an int")).singleElement()
			.extracting(BikerSuite.Query::answers)
			.isEqualTo(List.of("java.lang.Integer.parseInt", "java.lang.Integer.valueOf"));
		List<BikerSuite.Query> two = BikerSuite.devQueries(train, test, 2, 27, (api) -> true);
		assertThat(two).hasSize(2).isEqualTo(BikerSuite.devQueries(train, test, 2, 27, (api) -> true));
		// questions whose every answer lies outside the imported modules are left out
		assertThat(BikerSuite.devQueries(train, test, 100, 27, (api) -> !api.startsWith("java.nio")))
			.extracting(BikerSuite.Query::title).doesNotContain("Read a file").hasSize(3);
		assertThat(BikerSuite.ids(List.of(two.get(0), two.get(1), two.get(0))))
			.containsExactly(two.get(0).title(), two.get(1).title(), two.get(0).title() + " #2");
	}

	@Test
	void anApiIsAnswerableWhenItsClassIsInTheImportedModules(@TempDir Path dir) throws Exception {
		Path zip = dir.resolve("src.zip");
		try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
			for (String entry : List.of("java.base/java/util/Map.java", "java.base/java/lang/Integer.java",
					"java.desktop/javax/swing/JTextField.java")) {
				out.putNextEntry(new java.util.zip.ZipEntry(entry));
				out.closeEntry();
			}
		}
		java.util.function.Predicate<String> base = BikerSuite.inModules(zip, List.of("java.base", "java.sql"));
		assertThat(base).accepts("java.lang.Integer.parseInt", "java.util.Map.Entry.getKey")
			.rejects("javax.swing.JTextField.getText", "java.util.Lists.of", "parseInt");
	}

	@Test
	void aRecommendModeNamesItsRequestSettingsInBrackets() {
		assertThat(BikerSuite.recommendSettings("recommend")).isEmpty();
		assertThat(BikerSuite.recommendSettings("recommend[examples=50;lexical=0.1;rrfK=30]@labels"))
			.containsEntry("examplesPerSource", 50)
			.containsEntry("weights", java.util.Map.of("lexical", 0.1, "rrfK", 30));
		assertThat(BikerSuite.recommendSettings("recommend[examples=50;rerank=true]")).containsEntry("rerankExamples", true)
			.doesNotContainKey("weights");
		assertThat(BikerSuite.recommendSettings("recommend[rerankDocuments=true]")).containsEntry("rerankDocuments", true)
			.doesNotContainKey("rerankExamples");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> BikerSuite.recommendSettings("recommend[rerankDocuments=yes]"))
			.hasMessageContaining("true or false");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> BikerSuite.recommendSettings("recommend[examples]"))
			.hasMessageContaining("name=value");
	}

	@Test
	void aRescoringAskedForButNotRunFailsTheRunAndARunOneIsRecorded() {
		tools.jackson.databind.node.JsonNodeFactory json = tools.jackson.databind.node.JsonNodeFactory.instance;
		assertThat(Platform.rescoring("examples", null, json.missingNode())).isNull();
		assertThat(Platform.rescoring("examples", false, json.stringNode("late-interaction (stored binary)"))).isNull();
		assertThat(Platform.rescoring("documents", true, json.stringNode("late-interaction (stored binary)")))
			.isEqualTo("late-interaction (stored binary)");
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> Platform.rescoring("examples", true,
					json.stringNode("not re-scored: no rerank step ran")))
			.hasMessageContaining("re-score the examples")
			.hasMessageContaining("no rerank step ran");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> Platform.rescoring("documents", true, json.missingNode()))
			.hasMessageContaining("the answer does not say");
	}

	@Test
	void bikerQueriesCarryTheirAnswerLists(@TempDir Path dir) throws Exception {
		Path csv = dir.resolve("biker.csv");
		Files.writeString(csv, ",title,answer\n0,How to convert binary string value to decimal,['java.lang.Integer.parseInt']\n"
				+ "1,\"Sort, then search\",\"['java.util.Arrays.sort', 'java.util.Arrays.binarySearch']\"\n");
		List<BikerSuite.Query> queries = BikerSuite.load(csv);
		assertThat(queries).containsExactly(
				new BikerSuite.Query("How to convert binary string value to decimal", List.of("java.lang.Integer.parseInt")),
				new BikerSuite.Query("Sort, then search", List.of("java.util.Arrays.sort", "java.util.Arrays.binarySearch")));
	}

}
