package dev.ragplatform.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTests {

	@Test
	void quotedFieldsKeepCommasQuotesAndLineBreaks() {
		assertThat(Csv.parse("a,\"b, c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\n")).containsExactly(
				List.of("a", "b, c", "say \"hi\""), List.of("1", "two\nlines", "3"));
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
