package dev.ragplatform.runtime.csv;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvRowsTests {

	@Test
	void aByteOrderMarkIsDropped() {
		assertThat(CsvRows.parse("\uFEFFa,b\n")).containsExactly(List.of("a", "b"));
	}


	@Test
	void quotedFieldsKeepCommasQuotesAndLineBreaks() {
		assertThat(CsvRows.parse("a,\"b, c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\n")).containsExactly(
				List.of("a", "b, c", "say \"hi\""), List.of("1", "two\nlines", "3"));
	}

}
