package dev.ragplatform.llm.api;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.ragplatform.llm.retrieval.RetrievalClient;
import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;
import dev.ragplatform.llm.retrieval.RetrievalClient.Search;

import org.springframework.stereotype.Component;

/**
 * The API documentation collection as a catalogue of {@code package.Class.method} names (chunk metadata
 * {@code api}, as the Java API source connector writes it): which names exist, the closest existing name to one that
 * does not, and each name's signature and summary.
 * <p>
 * Existence is checked with a dense search filtered by {@code {"api": {"in": [...]}}}: under a selective filter
 * retrieval-service scans the filtered chunks exactly, so every existing name is found, whatever the query.
 */
@Component
class ApiCatalog {

	/** Names per lookup search (retrieval-service allows 256 filter terms). */
	static final int NAMES_PER_LOOKUP = 100;

	/** Chunks asked per looked-up name: overloads and long javadoc make several per name. */
	static final int CHUNKS_PER_NAME = 20;

	/** Candidates of each search for a correction. */
	static final int CORRECTION_CANDIDATES = 50;

	private final RetrievalClient retrieval;

	ApiCatalog(RetrievalClient retrieval) {
		this.retrieval = retrieval;
	}

	/**
	 * The chunks of every existing name among {@code names}, best first for {@code query}; a name that is not in the
	 * collection has no entry.
	 */
	Map<String, List<Hit>> lookup(String collection, Collection<String> names, String query) {
		Map<String, List<Hit>> found = new LinkedHashMap<>();
		List<String> pending = new ArrayList<>(new LinkedHashSet<>(names));
		while (!pending.isEmpty()) {
			List<String> batch = pending.subList(0, Math.min(NAMES_PER_LOOKUP, pending.size()));
			int topK = Math.min(1000, CHUNKS_PER_NAME * batch.size());
			List<Hit> hits = this.retrieval.search(Search.of(collection, query, "dense", topK)
				.withFilter(Map.of("api", Map.of("in", List.copyOf(batch)))));
			for (Hit hit : hits) {
				String api = api(hit);
				if (api != null) {
					found.computeIfAbsent(api, (a) -> new ArrayList<>()).add(hit);
				}
			}
			List<String> rest = new ArrayList<>(pending.subList(batch.size(), pending.size()));
			if (hits.size() >= topK) {
				// the batch may have been cut short: ask again for the names that did not show up
				batch.stream().filter((n) -> !found.containsKey(n)).forEach(rest::add);
				if (batch.stream().noneMatch(found::containsKey)) {
					break; // cannot happen (a full page names something), but never loop forever
				}
			}
			pending = rest;
		}
		return found;
	}

	/**
	 * The existing name closest to {@code name} by {@link ApiNames#similarity}, if it reaches {@code threshold}. The
	 * candidates are {@code known} (names already retrieved for the question), every method of the same class
	 * (filter {@code {"type": "package.Class"}}), and the best dense and lexical matches of the name's words
	 * across the collection (a sibling class with the same method).
	 */
	Optional<Correction> closest(String collection, String name, Collection<String> known, double threshold) {
		ApiNames.Parts parts = ApiNames.parse(name);
		String words = ApiNames.searchText(name);
		Map<String, List<Hit>> candidates = new LinkedHashMap<>();
		known.forEach((k) -> candidates.put(k, new ArrayList<>()));
		List<Search> searches = new ArrayList<>();
		if (!parts.pkg().isEmpty() && !parts.type().isEmpty()) {
			searches.add(Search.of(collection, words, "dense", 200).withFilter(Map.of("type", parts.qualifiedType())));
		}
		searches.add(Search.of(collection, words, "dense", CORRECTION_CANDIDATES));
		searches.add(Search.of(collection, parts.method() + " " + words, "lexical", CORRECTION_CANDIDATES));
		for (Search search : searches) {
			for (Hit hit : this.retrieval.search(search)) {
				String api = api(hit);
				if (api != null) {
					candidates.computeIfAbsent(api, (a) -> new ArrayList<>()).add(hit);
				}
			}
		}
		return ApiNames.closest(name, candidates.keySet(), threshold)
			.map((m) -> new Correction(m.api(), m.similarity(), candidates.get(m.api())));
	}

	/** The API a chunk documents: its {@code api} metadata, else its title. */
	static String api(Hit hit) {
		String api = hit.metadata().path("api").asString(null);
		if (api == null || api.isBlank()) {
			api = hit.title();
		}
		return (api == null || api.isBlank()) ? null : api;
	}

	/**
	 * Signature and summary of an API from its chunks. The connector's text is {@code name \n signature \n javadoc},
	 * so a first chunk holds both; without one the signature comes from the external id
	 * ({@code package.Class.method(ParamType,…)}).
	 */
	static Description describe(String api, Collection<Hit> hits) {
		Set<String> overloads = new LinkedHashSet<>();
		String signature = null;
		String summary = null;
		for (Hit hit : hits) {
			if (hit.chunkIndex() == 0 && signature == null) {
				String[] lines = hit.text().split("\n", 3);
				if (lines.length >= 2 && lines[0].strip().equals(api)) {
					signature = lines[1].strip();
					summary = (lines.length == 3) ? firstSentence(lines[2].strip()) : null;
				}
			}
			if (hit.externalId() != null && hit.externalId().startsWith(api + "(")) {
				overloads.add(hit.externalId());
			}
		}
		if (signature == null && !overloads.isEmpty()) {
			String first = overloads.iterator().next();
			signature = first.substring(api.lastIndexOf('.') + 1);
		}
		return new Description(signature, (summary == null || summary.isBlank()) ? null : summary);
	}

	static String firstSentence(String text) {
		if (text.isEmpty()) {
			return text;
		}
		BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
		sentences.setText(text);
		int end = sentences.next();
		return ((end == BreakIterator.DONE) ? text : text.substring(0, end)).strip();
	}

	/** An existing name that replaces one the collection lacks, how close it is, and its chunks found meanwhile. */
	record Correction(String api, double similarity, List<Hit> hits) {
	}

	/** What the documentation says of an API: its declaration and its javadoc's first sentence (either may be null). */
	record Description(String signature, String summary) {
	}

}
