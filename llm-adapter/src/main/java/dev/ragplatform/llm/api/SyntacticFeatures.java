package dev.ragplatform.llm.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTagFormat;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.stemmer.PorterStemmer;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;

import org.springframework.stereotype.Component;

/**
 * The syntactic view of a programming question: verb–object pairs and the part-of-speech pattern, from Apache
 * OpenNLP's English UD-EWT tokenizer and tagger (UPOS tags). Questions are headlines ("Sort an ArrayList of objects"),
 * which a tagger trained on sentences reads badly, so a headline that does not open with a question word is tagged
 * as "how to …" and a few programming-text repairs are applied (see {@link #repair}). Words are compared by their
 * Porter stems, so "converting strings" and "convert a string" share the pair (convert, string).
 * <p>
 * Models are loaded once (they are immutable and thread-safe); taggers are created per call (they are not).
 */
@Component
class SyntacticFeatures {

	/** Verbs that say little about the task ("how do I …", "I want to …"). */
	static final Set<String> LIGHT_VERBS = Set.of("be", "is", "are", "was", "were", "been", "have", "has", "had", "do",
			"does", "did", "want", "need", "try", "let", "like", "know", "seem", "wonder");

	/** Nouns that say nothing about the task ("… in Java", "best way to …"). */
	static final Set<String> STOP_NOUNS = Set.of("java", "way", "ways", "code", "program", "example", "examples",
			"question", "problem", "thing", "things", "something", "anything", "best");

	/** Openers after which a question is already a sentence and needs no "how to". */
	private static final Set<String> SENTENCE_OPENERS = Set.of("how", "what", "why", "which", "when", "where", "who",
			"whats", "is", "are", "can", "could", "does", "do", "did", "should", "would", "will", "i", "we", "you", "my",
			"there", "it", "in", "with", "using", "for", "to");

	/** Words that open a new clause even when the tagger calls them ADP ("check if a file exists"). */
	private static final Set<String> CLAUSE_WORDS = Set.of("if", "whether", "when", "while", "because", "without");

	/** An identifier-looking token: inner capital, dot or parenthesis (HashMap, String.format, toString()). */
	private static final Pattern IDENTIFIER = Pattern.compile("\\p{L}+\\p{Ll}\\p{Lu}\\w*|\\w+\\.\\w+.*|\\w+\\(\\)");

	/** Weights of the overlap score (see {@link #overlap}). */
	static final double PAIR_WEIGHT = 1.0;

	static final double VERB_WEIGHT = 0.5;

	static final double OBJECT_WEIGHT = 0.25;

	static final double PATTERN_WEIGHT = 0.25;

	private final TokenizerModel tokenizerModel;

	private final POSModel posModel;

	SyntacticFeatures() {
		this.tokenizerModel = load("-tokens-", TokenizerModel::new);
		this.posModel = load("-pos-", POSModel::new);
	}

	/** Tokenizes and tags a question and extracts its verb–object pairs and POS pattern. */
	Analysis analyze(String text) {
		return analyze(List.of(text)).get(0);
	}

	/** As {@link #analyze(String)} for many texts, with one tokenizer and tagger. */
	List<Analysis> analyze(List<String> texts) {
		TokenizerME tokenizer = new TokenizerME(this.tokenizerModel);
		POSTaggerME tagger = new POSTaggerME(this.posModel, POSTagFormat.UD);
		PorterStemmer stemmer = new PorterStemmer();
		List<Analysis> analyses = new ArrayList<>(texts.size());
		for (String text : texts) {
			analyses.add(analyze(text, tokenizer, tagger, stemmer));
		}
		return analyses;
	}

	private static Analysis analyze(String text, TokenizerME tokenizer, POSTaggerME tagger, PorterStemmer stemmer) {
		String cleaned = text.strip().replaceFirst("^(?i)(in\\s+)?java\\b\\s*[:,-]?\\s*", "");
		String[] raw = tokenizer.tokenize(cleaned);
		if (raw.length == 0) {
			return new Analysis(List.of(), List.of(), List.of(), Set.of(), Set.of(), List.of());
		}
		boolean headline = !SENTENCE_OPENERS.contains(raw[0].toLowerCase(Locale.ROOT));
		int offset = headline ? 2 : 0;
		String[] tokens = new String[raw.length + offset];
		if (headline) {
			tokens[0] = "how";
			tokens[1] = "to";
		}
		System.arraycopy(raw, 0, tokens, offset, raw.length);
		if (!IDENTIFIER.matcher(tokens[offset]).matches()) {
			tokens[offset] = tokens[offset].toLowerCase(Locale.ROOT); // "Sort …" is a verb, not a name
		}
		String[] tags = tagger.tag(tokens);
		repair(tokens, tags, offset);
		List<String> words = List.of(tokens).subList(offset, tokens.length);
		List<String> upos = List.of(tags).subList(offset, tags.length);
		return extract(words, upos, stemmer);
	}

	/**
	 * Programming-text repairs of the tagger's output, from its observed mistakes on Stack Overflow titles:
	 * identifiers are nouns ("Hashtable/ADJ"); a "verb" right after a determiner, adjective, number or preposition is
	 * a noun ("of objects/VERB"); a "verb" that continues the object of an earlier verb of the same clause is a noun
	 * ("parse json string/VERB into", "find memory leak/VERB").
	 */
	static void repair(String[] tokens, String[] tags, int from) {
		boolean verbSeen = false;
		for (int i = from; i < tokens.length; i++) {
			String lower = tokens[i].toLowerCase(Locale.ROOT);
			if (IDENTIFIER.matcher(tokens[i]).matches() && !"VERB".equals(tags[i])) {
				tags[i] = "PROPN";
			}
			if (CLAUSE_WORDS.contains(lower) || isBoundary(tags[i])) {
				verbSeen = false;
				continue;
			}
			if ("VERB".equals(tags[i]) && i > from) {
				String before = tags[i - 1];
				boolean afterModifier = "DET".equals(before) || "ADJ".equals(before) || "NUM".equals(before)
						|| ("ADP".equals(before) && !CLAUSE_WORDS.contains(tokens[i - 1].toLowerCase(Locale.ROOT)));
				boolean continuesObject = verbSeen && isNoun(before);
				if (afterModifier || continuesObject) {
					tags[i] = "NOUN";
					continue;
				}
			}
			if ("VERB".equals(tags[i])) {
				verbSeen = true;
			}
		}
	}

	private static Analysis extract(List<String> words, List<String> upos, PorterStemmer stemmer) {
		List<String> stems = new ArrayList<>(words.size());
		for (String word : words) {
			stems.add(stem(stemmer, word));
		}
		List<VerbObject> pairs = new ArrayList<>();
		Set<String> verbs = new LinkedHashSet<>();
		Set<String> objects = new LinkedHashSet<>();
		for (int i = 0; i < words.size(); i++) {
			if (!"VERB".equals(upos.get(i)) || LIGHT_VERBS.contains(words.get(i).toLowerCase(Locale.ROOT))) {
				continue;
			}
			verbs.add(stems.get(i));
			List<Governed> args = new ArrayList<>();
			headlineSubject(words, upos, i).forEach((n) -> args.add(new Governed(n, null))); // "String split with …"
			args.addAll(arguments(words, upos, i, !args.isEmpty()));
			for (Governed g : args) {
				int a = g.index();
				if (STOP_NOUNS.contains(words.get(a).toLowerCase(Locale.ROOT))) {
					continue;
				}
				objects.add(stems.get(a));
				VerbObject pair = new VerbObject(words.get(i).toLowerCase(Locale.ROOT),
						words.get(a).toLowerCase(Locale.ROOT), stems.get(i), stems.get(a), g.preposition());
				if (!pairs.contains(pair)) {
					pairs.add(pair);
				}
			}
		}
		return new Analysis(List.copyOf(words), List.copyOf(upos), List.copyOf(pairs),
				Collections.unmodifiableSet(verbs), Collections.unmodifiableSet(objects), pattern(upos));
	}

	/**
	 * The nouns a verb governs, read rightwards: its object's noun run (also after a first preposition, "iterate over
	 * a map"; "of" continues it, "a list of strings"), coordinated runs ("date and time"), and one prepositional
	 * argument ("convert a String to an int"), stopping at the next verb or clause boundary. Arguments keep their
	 * preposition, so "convert a String to an int" and "convert an int to a String" differ.
	 */
	private static List<Governed> arguments(List<String> words, List<String> upos, int verb, boolean hasObject) {
		List<Governed> nouns = new ArrayList<>();
		int runs = 0;
		boolean inRun = false;
		boolean prepositionUsed = false;
		String preposition = null;
		for (int j = verb + 1; j < words.size() && runs < 3; j++) {
			String tag = upos.get(j);
			String lower = words.get(j).toLowerCase(Locale.ROOT);
			if (isNoun(tag)) {
				nouns.add(new Governed(j, preposition));
				inRun = true;
				continue;
			}
			if (inRun) {
				runs++;
				inRun = false;
			}
			if ("DET".equals(tag) || "ADJ".equals(tag) || "NUM".equals(tag) || "CCONJ".equals(tag)
					|| ("PRON".equals(tag) && nouns.isEmpty())) {
				continue;
			}
			if (CLAUSE_WORDS.contains(lower)) {
				break; // "check if a file exists": a new clause
			}
			if ("ADP".equals(tag) && ((nouns.isEmpty() && !hasObject) || "of".equals(lower))) {
				continue; // the object itself: "iterate over a map", "a list of strings"
			}
			if ("ADP".equals(tag) && !prepositionUsed) {
				prepositionUsed = true;
				preposition = lower;
				continue;
			}
			break;
		}
		return nouns;
	}

	/** A noun a verb governs: its object (no preposition) or a prepositional argument. */
	private record Governed(int index, String preposition) {
	}

	/**
	 * A clause-initial noun run right before the verb, after determiners or adjectives at most: the headline's object
	 * ("String split", "ArrayList sort") or an intransitive verb's subject ("check if a file exists").
	 */
	private static List<Integer> headlineSubject(List<String> words, List<String> upos, int verb) {
		int start = verb;
		while (start > 0 && isNoun(upos.get(start - 1))) {
			start--;
		}
		int before = start;
		while (before > 0 && ("DET".equals(upos.get(before - 1)) || "ADJ".equals(upos.get(before - 1)))) {
			before--;
		}
		boolean clauseStart = before == 0 || isBoundary(upos.get(before - 1)) || "PART".equals(upos.get(before - 1))
				|| CLAUSE_WORDS.contains(words.get(before - 1).toLowerCase(Locale.ROOT));
		if (start == verb || !clauseStart) {
			return List.of();
		}
		List<Integer> nouns = new ArrayList<>();
		for (int j = start; j < verb; j++) {
			nouns.add(j);
		}
		return nouns;
	}

	/** The UPOS sequence without punctuation and determiners, names as nouns, runs collapsed: the question's shape. */
	static List<String> pattern(List<String> upos) {
		List<String> pattern = new ArrayList<>();
		for (String tag : upos) {
			if ("PUNCT".equals(tag) || "DET".equals(tag) || "SYM".equals(tag)) {
				continue;
			}
			String t = isNoun(tag) ? "NOUN" : tag;
			if (pattern.isEmpty() || !pattern.get(pattern.size() - 1).equals(t)) {
				pattern.add(t);
			}
		}
		return List.copyOf(pattern);
	}

	/**
	 * How much a candidate example shares with the question syntactically: {@value #PAIR_WEIGHT} per shared
	 * verb–object pair (same stems, and the noun in the same role: object or prepositional argument),
	 * {@value #VERB_WEIGHT} per shared verb, {@value #OBJECT_WEIGHT} per shared governed noun and
	 * {@value #PATTERN_WEIGHT} × the Dice coefficient of the two POS-pattern bigram sets. Zero unless the two share a
	 * verb: a shared shape alone is no evidence.
	 */
	static double overlap(Analysis question, Analysis candidate) {
		Set<String> sharedVerbs = new HashSet<>(question.verbs());
		sharedVerbs.retainAll(candidate.verbs());
		if (sharedVerbs.isEmpty()) {
			return 0;
		}
		Set<String> questionPairs = question.stemPairs();
		Set<String> candidatePairs = candidate.stemPairs();
		long sharedPairs = questionPairs.stream().filter(candidatePairs::contains).count();
		Set<String> sharedObjects = new HashSet<>(question.objects());
		sharedObjects.retainAll(candidate.objects());
		return PAIR_WEIGHT * sharedPairs + VERB_WEIGHT * sharedVerbs.size() + OBJECT_WEIGHT * sharedObjects.size()
				+ PATTERN_WEIGHT * dice(bigrams(question.pattern()), bigrams(candidate.pattern()));
	}

	private static Set<String> bigrams(List<String> pattern) {
		Set<String> bigrams = new HashSet<>();
		for (int i = 0; i + 1 < pattern.size(); i++) {
			bigrams.add(pattern.get(i) + " " + pattern.get(i + 1));
		}
		return bigrams;
	}

	private static double dice(Set<String> a, Set<String> b) {
		if (a.isEmpty() && b.isEmpty()) {
			return 0;
		}
		long shared = a.stream().filter(b::contains).count();
		return 2.0 * shared / (a.size() + b.size());
	}

	private static boolean isNoun(String tag) {
		return "NOUN".equals(tag) || "PROPN".equals(tag) || "X".equals(tag);
	}

	private static boolean isBoundary(String tag) {
		return "PUNCT".equals(tag) || "SCONJ".equals(tag) || "AUX".equals(tag);
	}

	private static String stem(PorterStemmer stemmer, String word) {
		String lower = word.toLowerCase(Locale.ROOT);
		return lower.chars().allMatch(Character::isLetter) ? stemmer.stem(lower) : lower;
	}

	private interface ModelReader<M> {

		M read(InputStream in) throws IOException;

	}

	/** Finds the model in the classpath by the {@code model.properties} each OpenNLP model jar carries. */
	private static <M> M load(String kind, ModelReader<M> reader) {
		try {
			for (URL url : Collections.list(SyntacticFeatures.class.getClassLoader().getResources("model.properties"))) {
				Properties properties = new Properties();
				try (InputStream in = url.openStream()) {
					properties.load(in);
				}
				String name = properties.getProperty("model.name", "");
				if (name.startsWith("opennlp-en-") && name.contains(kind)) {
					try (InputStream model = SyntacticFeatures.class.getResourceAsStream("/" + name)) {
						if (model != null) {
							return reader.read(model);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot load the OpenNLP English " + kind + " model", ex);
		}
		throw new IllegalStateException("no OpenNLP English model '" + kind + "' on the class path: add "
				+ "org.apache.opennlp:opennlp-models-" + (kind.contains("pos") ? "pos" : "tokenizer") + "-en");
	}

	/**
	 * One question read syntactically.
	 *
	 * @param tokens its tokens
	 * @param upos their universal POS tags, after the repairs
	 * @param verbObjects verb–object pairs, in order
	 * @param verbs stems of its content verbs
	 * @param objects stems of the nouns those verbs govern
	 * @param pattern its POS pattern (see {@link #pattern})
	 */
	record Analysis(List<String> tokens, List<String> upos, List<VerbObject> verbObjects, Set<String> verbs,
			Set<String> objects, List<String> pattern) {

		Set<String> stemPairs() {
			Set<String> pairs = new HashSet<>();
			this.verbObjects.forEach((p) -> pairs.add(p.key()));
			return pairs;
		}

		/** The words of the verb–object pairs, a lexical query for examples that share them. */
		String phraseQuery() {
			Set<String> words = new LinkedHashSet<>();
			for (VerbObject pair : this.verbObjects) {
				words.add(pair.verb());
				words.add(pair.object());
			}
			return String.join(" ", words);
		}

	}

	/**
	 * A verb and a noun it governs, as written (lower case) and stemmed; {@code preposition} is null for its object
	 * and names the preposition of an argument ("convert … to int").
	 */
	record VerbObject(String verb, String object, String verbStem, String objectStem, String preposition) {

		/** What pairs are compared by: stems, and whether the noun is the object or an argument. */
		String key() {
			return this.verbStem + ((this.preposition == null) ? " " : " >") + this.objectStem;
		}

		@Override
		public String toString() {
			return this.verb + " " + ((this.preposition == null) ? "" : this.preposition + " ") + this.object;
		}

	}

}
