package dev.ragplatform.llm.api;

import java.util.List;

import dev.ragplatform.llm.api.SyntacticFeatures.Analysis;
import dev.ragplatform.llm.api.SyntacticFeatures.VerbObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Verb–object pairs and POS patterns from the real OpenNLP UD-EWT models, on Stack Overflow-style titles. */
class SyntacticFeaturesTests {

	static final SyntacticFeatures FEATURES = new SyntacticFeatures();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			How to convert a String to an int in Java?   | convert string, convert to int
			How do I iterate over a HashMap?             | iterate hashmap
			Sort an ArrayList of objects by a property   | sort arraylist, sort objects, sort by property
			Remove duplicates from an ArrayList          | remove duplicates, remove from arraylist
			How to get the current date and time         | get date, get time
			Get min and max String of list               | get string, get list
			Java string split with multiple delimiters   | split string, split with delimiters
			how to parse json string into object         | parse json, parse string, parse into object
			check if a file exists                       | exists file
			""")
	void extractsVerbObjectPairs(String question, String expected) {
		Analysis analysis = FEATURES.analyze(question);
		assertThat(analysis.verbObjects()).map(VerbObject::toString)
			.containsExactlyElementsOf(List.of(expected.split(",\\s*")));
	}

	@Test
	void headlinesAreReadAsImperativesAndKeepTheirVerb() {
		// tagged alone, "Sort" opens the headline as a proper noun; as "how to sort …" it is the verb
		assertThat(FEATURES.analyze("Sort an ArrayList of objects").verbs()).containsExactly("sort");
		assertThat(FEATURES.analyze("Converting strings to integers").verbs()).contains("convert");
	}

	@Test
	void aQuestionWithoutVerbHasNoPairsAndNoPhraseQuery() {
		Analysis analysis = FEATURES.analyze("Difference between HashMap and Hashtable");
		assertThat(analysis.verbObjects()).isEmpty();
		assertThat(analysis.phraseQuery()).isEmpty();
		assertThat(analysis.pattern()).startsWith("NOUN", "ADP", "NOUN");
	}

	@Test
	void lightVerbsAndFillerNounsAreNotFeatures() {
		Analysis analysis = FEATURES.analyze("What is the best way to read a text file in Java?");
		assertThat(analysis.verbs()).containsExactly("read");
		assertThat(analysis.objects()).contains("text", "file").doesNotContain("java", "wai", "way");
	}

	@Test
	void stemsMakeInflectionsMatch() {
		Analysis a = FEATURES.analyze("Converting a string to an int");
		Analysis b = FEATURES.analyze("How do I convert strings to ints?");
		assertThat(a.stemPairs()).containsAll(b.stemPairs()).isNotEmpty();
	}

	@Test
	void theDirectionOfAConversionIsPartOfThePairs() {
		Analysis toInt = FEATURES.analyze("Convert a String to an int");
		Analysis toString = FEATURES.analyze("Convert an int to a String");
		assertThat(toInt.stemPairs()).doesNotContainAnyElementsOf(toString.stemPairs());
		assertThat(SyntacticFeatures.overlap(FEATURES.analyze("How do I convert a string into an int?"), toInt))
			.isGreaterThan(SyntacticFeatures.overlap(FEATURES.analyze("How do I convert a string into an int?"), toString));
	}

	@Test
	void overlapRanksSharedVerbObjectAboveSharedVerbAboveSharedWords() {
		Analysis question = FEATURES.analyze("How can I convert a string into an integer?");
		double sameAction = SyntacticFeatures.overlap(question,
				FEATURES.analyze("How to convert a String to an int in Java?"));
		double sameVerbOnly = SyntacticFeatures.overlap(question, FEATURES.analyze("Converting array to list in Java"));
		double sameWordsNoVerb = SyntacticFeatures.overlap(question,
				FEATURES.analyze("How to check whether a string is an integer"));
		assertThat(sameAction).isGreaterThan(sameVerbOnly);
		assertThat(sameVerbOnly).isGreaterThan(0);
		assertThat(sameWordsNoVerb).isZero(); // shares "string" and "integer", but not the action
	}

	@Test
	void patternDropsDeterminersAndPunctuationAndCollapsesRuns() {
		assertThat(SyntacticFeatures.pattern(List.of("VERB", "DET", "ADJ", "NOUN", "PROPN", "PUNCT", "ADP", "X")))
			.containsExactly("VERB", "ADJ", "NOUN", "ADP", "NOUN");
	}

}
