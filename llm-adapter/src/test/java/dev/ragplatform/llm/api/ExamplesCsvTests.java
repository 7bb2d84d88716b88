package dev.ragplatform.llm.api;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExamplesCsvTests {

	static final String CSV = """
			,title,answer
			0,"What is faster, Regex or if compares - Java",['java.lang.String.equals']
			1,Get min and max String of list,"['java.util.Collections.max', 'java.util.Collections.min']"
			2,Java string split with multiple delimeters,['java.lang.String.split']
			3,Java string split with multiple delimeters,['java.lang.String.split']
			4,,['java.lang.String.trim']
			5,A question nobody answered,[]
			6,"Multi-line
			title with ""quotes""\",['java.lang.String.strip']
			""";

	@Test
	void readsBikerLayoutWithQuotingAndDropsDuplicatesAndUnanswered() {
		ExamplesCsv.Parsed parsed = ExamplesCsv.parse(CSV);
		assertThat(parsed.rows()).isEqualTo(7);
		assertThat(parsed.skipped()).isEqualTo(2);
		assertThat(parsed.examples()).extracting(ExamplesCsv.Example::title)
			.containsExactly("What is faster, Regex or if compares - Java", "Get min and max String of list",
					"Java string split with multiple delimeters", "Multi-line\ntitle with \"quotes\"");
		assertThat(parsed.examples().get(1).apis()).containsExactly("java.util.Collections.max",
				"java.util.Collections.min");
	}

	@Test
	void metadataAndIdsFollowTheEvalHarnessContract() {
		ExamplesCsv.Example example = new ExamplesCsv.Example("How to convert a String to an int?",
				List.of("java.lang.Integer.parseInt"));
		assertThat(example.metadata()).containsEntry("apis", List.of("java.lang.Integer.parseInt"))
			.containsEntry("titleKey", "howtoconvertastringtoanint");
		// eval/BikerSuite: "example-" + first 20 hex of SHA-256(title NUL apis.toString())
		assertThat(example.externalId()).matches("example-[0-9a-f]{20}")
			.isEqualTo(new ExamplesCsv.Example("How to convert a String to an int?",
					new java.util.ArrayList<>(List.of("java.lang.Integer.parseInt")))
				.externalId());
		assertThat(example.externalId()).isNotEqualTo(
				new ExamplesCsv.Example("How to convert a String to an int?", List.of("java.lang.Integer.valueOf"))
					.externalId());
	}

	@Test
	void titleKeyKeepsLettersAndDigitsOfAnyScript() {
		assertThat(ExamplesCsv.titleKey("Java 8: Stream.map() — über?")).isEqualTo("java8streammapüber");
	}

	@Test
	void aByteOrderMarkAndCrLfAreTolerated() {
		ExamplesCsv.Parsed parsed = ExamplesCsv.parse("\uFEFF,title,answer\r\n0,Read a file,['java.nio.file.Files.readString']\r\n");
		assertThat(parsed.examples()).singleElement()
			.satisfies((e) -> assertThat(e.apis()).containsExactly("java.nio.file.Files.readString"));
	}

}
