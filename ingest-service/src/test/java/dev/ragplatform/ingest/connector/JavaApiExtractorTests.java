package dev.ragplatform.ingest.connector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.ragplatform.ingest.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class JavaApiExtractorTests {

	@Test
	void everyPublicMethodAndConstructorOfPublicTypesIsOneDocument(@TempDir Path dir) throws Exception {
		Map<String, JavaApiExtractor.ApiDoc> docs = extract(dir, Set.of("demo.base"), List.of());
		assertThat(docs.keySet()).containsExactlyInAnyOrder("demo.text.Numbers.Numbers()",
				"demo.text.Numbers.parse(String)", "demo.text.Numbers.parse(String,int)",
				"demo.text.Numbers.Format.pad(int,int)", "demo.geometry.Shape.area()");

		JavaApiExtractor.ApiDoc parse = docs.get("demo.text.Numbers.parse(String)");
		assertThat(parse.api()).isEqualTo("demo.text.Numbers.parse");
		assertThat(parse.signature()).isEqualTo("public static int parse(String s)");
		assertThat(parse.summary()).isEqualTo("Parses the string argument as a signed decimal integer.");
		assertThat(parse.text()).startsWith("demo.text.Numbers.parse\npublic static int parse(String s)\nParses the")
			.doesNotContain("@param").doesNotContain("{@code");
		assertThat(parse.metadata()).containsEntry("api", "demo.text.Numbers.parse")
			.containsEntry("kind", "method")
			.containsEntry("package", "demo.text")
			.containsEntry("type", "demo.text.Numbers")
			.containsEntry("module", "demo.base");
		assertThat(docs.get("demo.text.Numbers.Numbers()").metadata()).containsEntry("kind", "constructor");
		assertThat(docs.get("demo.text.Numbers.Numbers()").text()).contains("see parse(String)");
		assertThat(docs.get("demo.text.Numbers.Format.pad(int,int)").summary())
			.isEqualTo("Pads a number with leading zeros to the given width .");
	}

	@Test
	void modulesAndPackagesFilterWhatIsRead(@TempDir Path dir) throws Exception {
		assertThat(extract(dir, Set.of(), List.of()).keySet()).contains("demo.other.Other.x()");
		assertThat(extract(dir, Set.of(), List.of("demo.geometry")).keySet())
			.containsExactly("demo.geometry.Shape.area()");
	}

	private static Map<String, JavaApiExtractor.ApiDoc> extract(Path dir, Set<String> modules, List<String> packages)
			throws Exception {
		Path archive = dir.resolve("src.zip");
		Files.write(archive, Fixtures.javaSources());
		List<JavaApiExtractor.ApiDoc> docs = Collections.synchronizedList(new ArrayList<>());
		int failed = JavaApiExtractor.extract(archive, modules, packages, docs::add);
		assertThat(failed).isZero();
		return docs.stream().collect(Collectors.toMap(JavaApiExtractor.ApiDoc::id, Function.identity()));
	}

}
