package dev.ragplatform.retrieval.adapter;

import java.util.List;

import dev.ragplatform.runtime.problem.ServiceProblem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelFilesTests {

	@Test
	void readsBikersCsvLayoutWithPythonLists() {
		String csv = """
				,title,answer
				0,"What is faster, Regex or if compares - Java",['java.lang.String.equals']
				1,Get min and max String of list,"['java.util.Collections.max', 'java.util.Collections.min']"
				2,   ,['java.lang.String.split']
				""";
		List<LabelPair> pairs = LabelFiles.csv(csv, null, null);
		assertThat(pairs).containsExactly(
				new LabelPair("What is faster, Regex or if compares - Java", List.of("java.lang.String.equals")),
				new LabelPair("Get min and max String of list",
						List.of("java.util.Collections.max", "java.util.Collections.min")));
	}

	@Test
	void namedColumnsJsonListsAndSemicolons() {
		String csv = "q,docs\nfirst,\"[\"\"a\"\", \"\"b\"\"]\"\nsecond,c; d\nthird,\"[e, f]\"\n";
		assertThat(LabelFiles.csv(csv, "q", "docs")).containsExactly(new LabelPair("first", List.of("a", "b")),
				new LabelPair("second", List.of("c", "d")), new LabelPair("third", List.of("e", "f")));
		assertThatThrownBy(() -> LabelFiles.csv(csv, "question", "docs")).isInstanceOf(ServiceProblem.class)
			.hasMessageContaining("no column 'question'");
		assertThatThrownBy(() -> LabelFiles.csv("query,targets\nfirst,[e, f]\n", null, null))
			.isInstanceOf(ServiceProblem.class)
			.hasMessageContaining("record 1 has 3 fields");
		assertThatThrownBy(() -> LabelFiles.csv("a,b\n1,2\n", null, null)).isInstanceOf(ServiceProblem.class)
			.hasMessageContaining("no query column");
	}

	@Test
	void readsJsonLines() {
		String jsonl = "{\"query\": \"q1\", \"targets\": [\"d1\", \"d2\"]}\n\n{\"query\": \"q2\", \"targets\": \"d3\"}\n";
		assertThat(LabelFiles.jsonLines(jsonl)).containsExactly(new LabelPair("q1", List.of("d1", "d2")),
				new LabelPair("q2", List.of("d3")));
		assertThatThrownBy(() -> LabelFiles.jsonLines("{\"query\": \"q\"}")).isInstanceOf(ServiceProblem.class)
			.hasMessageContaining("line 1");
		assertThatThrownBy(() -> LabelFiles.jsonLines("not json")).isInstanceOf(ServiceProblem.class)
			.hasMessageContaining("not JSON");
	}

}
