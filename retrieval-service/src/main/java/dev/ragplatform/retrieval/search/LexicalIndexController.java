package dev.ragplatform.retrieval.search;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/collections/{name}/lexical-index}: how far this replica's lexical index of a collection is. */
@RestController
class LexicalIndexController {

	private final CollectionService collections;

	private final LexicalIndex index;

	LexicalIndexController(CollectionService collections, LexicalIndex index) {
		this.collections = collections;
		this.index = index;
	}

	@GetMapping("/v1/collections/{name}/lexical-index")
	LexicalIndexView get(@PathVariable String name) {
		Collection collection = this.collections.get(name);
		LexicalIndex.Status status = this.index.status(collection);
		return new LexicalIndexView(collection.name(), status.state(), status.lagSeconds(), status.chunks(),
				collection.chunkCount(), status.sizeBytes());
	}

	/**
	 * @param state {@code ready}; {@code building} (lexical searches are computed in SQL meanwhile); {@code disabled}
	 * @param lagSeconds the index holds every change committed more than this long ago
	 * @param chunks chunks in this replica's index
	 * @param collectionChunks chunks in PostgreSQL
	 * @param sizeBytes the index's files on this replica's disk
	 */
	record LexicalIndexView(String collection, String state, Double lagSeconds, Long chunks, long collectionChunks,
			Long sizeBytes) {
	}

}
