package dev.ragplatform.llm.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;

/** Chunks found per API, in the order found, with the search that found each. */
final class Evidence {

	private final Map<String, List<Passage>> byApi = new LinkedHashMap<>();

	/** Adds a search's hits; returns the APIs in order of their best hit. */
	List<String> add(String search, List<Hit> hits) {
		List<String> order = new ArrayList<>();
		for (Hit hit : hits) {
			String api = ApiCatalog.api(hit);
			if (api == null) {
				continue;
			}
			if (!order.contains(api)) {
				order.add(api);
			}
			add(api, search, List.of(hit));
		}
		return order;
	}

	void add(String api, String search, List<Hit> hits) {
		List<Passage> passages = this.byApi.computeIfAbsent(api, (a) -> new ArrayList<>());
		for (Hit hit : hits) {
			boolean seen = passages.stream()
				.anyMatch((p) -> p.hit().documentId().equals(hit.documentId())
						&& p.hit().chunkIndex() == hit.chunkIndex());
			if (!seen) {
				passages.add(new Passage(search, hit));
			}
		}
		if (passages.isEmpty()) {
			this.byApi.remove(api);
		}
	}

	boolean has(String api) {
		return this.byApi.containsKey(api);
	}

	List<Passage> passages(String api) {
		return this.byApi.getOrDefault(api, List.of());
	}

	List<Hit> hits(String api) {
		return passages(api).stream().map(Passage::hit).toList();
	}

	record Passage(String search, Hit hit) {
	}

}
