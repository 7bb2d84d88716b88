package dev.ragplatform.retrieval.document;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.retrieval.index.ChunkStore;
import dev.ragplatform.retrieval.index.StatusPublisher;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A document's indexed state, one chunk, and deleting a document from the index. */
@RestController
@RequestMapping("/v1/collections/{collection}/documents/{documentId}")
class DocumentController {

	private final CollectionService collections;

	private final ChunkStore store;

	private final StatusPublisher status;

	private final DocumentQueries queries;

	DocumentController(CollectionService collections, ChunkStore store, StatusPublisher status,
			DocumentQueries queries) {
		this.collections = collections;
		this.store = store;
		this.status = status;
		this.queries = queries;
	}

	@GetMapping
	DocumentView get(@PathVariable String collection, @PathVariable String documentId) {
		Collection c = this.collections.get(collection);
		return this.queries.document(c, documentId)
			.orElseThrow(() -> notFound(collection, documentId));
	}

	/** The document's chunks in order, {@code size} from {@code from} (the console's document page). */
	@GetMapping("/chunks")
	ChunkPage chunks(@PathVariable String collection, @PathVariable String documentId,
			@RequestParam(defaultValue = "0") int from, @RequestParam(defaultValue = "100") int size) {
		if (from < 0 || size < 1 || size > 1000) {
			throw ServiceProblem.badRequest("from must be ≥ 0 and size between 1 and 1000");
		}
		DocumentView document = get(collection, documentId);
		Collection c = this.collections.get(collection);
		return new ChunkPage(document.chunks(), this.queries.chunks(c, documentId, from, size));
	}

	/** {@code total}: the chunks of the indexed version. */
	record ChunkPage(long total, java.util.List<ChunkView> chunks) {
	}

	@GetMapping("/chunks/{index}")
	ChunkView chunk(@PathVariable String collection, @PathVariable String documentId, @PathVariable int index) {
		Collection c = this.collections.get(collection);
		return this.queries.chunk(c, documentId, index)
			.orElseThrow(() -> ServiceProblem.notFound("Chunk " + index + " of document '" + documentId
					+ "' is not in collection '" + collection + "'."));
	}

	/** Removes the document's chunks now; versions newer than the indexed one still index when they arrive. */
	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String collection, @PathVariable String documentId) {
		DocumentView document = get(collection, documentId);
		if (document.deleted()) {
			throw notFound(collection, documentId);
		}
		if (this.store.delete(collection, documentId, document.version()) == ChunkStore.Outcome.DELETED) {
			this.status.deleted(collection, documentId, document.version());
		}
	}

	private static ServiceProblem notFound(String collection, String documentId) {
		return ServiceProblem.notFound("Document '" + documentId + "' is not in collection '" + collection + "'.");
	}

}
