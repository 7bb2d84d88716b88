package dev.ragplatform.runtime.csv;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * RFC 4180 CSV (Apache Commons CSV): quoted fields may hold commas, line breaks and doubled quotes; a leading byte
 * order mark is dropped. For the label and example files users upload and the evaluation reads.
 */
public final class CsvRows {

	private CsvRows() {
	}

	/** Every row, header included, as lists of fields; {@link IllegalArgumentException} when it is not CSV. */
	public static List<List<String>> parse(String text) {
		String csv = (!text.isEmpty() && text.charAt(0) == '\uFEFF') ? text.substring(1) : text; // a byte order mark
		List<List<String>> rows = new ArrayList<>();
		try (CSVParser parser = CSVParser.parse(csv, CSVFormat.DEFAULT)) {
			for (CSVRecord record : parser) {
				rows.add(record.toList());
			}
		}
		catch (java.io.IOException | java.io.UncheckedIOException ex) {
			throw new IllegalArgumentException("not CSV: " + ex.getMessage(), ex);
		}
		return rows;
	}

}
