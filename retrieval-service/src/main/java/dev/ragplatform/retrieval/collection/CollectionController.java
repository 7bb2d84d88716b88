package dev.ragplatform.retrieval.collection;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/collections}: create, list, get with counts, delete. */
@RestController
@RequestMapping("/v1/collections")
class CollectionController {

	private final CollectionService service;

	CollectionController(CollectionService service) {
		this.service = service;
	}

	@PostMapping
	ResponseEntity<CollectionView> create(@RequestBody CreateCollection request) {
		Collection created = this.service.create(request);
		return ResponseEntity.created(URI.create("/v1/collections/" + created.name()))
			.body(CollectionView.of(created, null, null, null));
	}

	@GetMapping
	CollectionList list() {
		return new CollectionList(this.service.list()
			.stream()
			.map((c) -> CollectionView.of(c, sizeOrNull(c), null, null))
			.toList());
	}

	/** The size on disk; null for a collection dropped since it was listed. */
	private Long sizeOrNull(Collection collection) {
		try {
			return this.service.sizeBytes(collection);
		}
		catch (org.springframework.dao.DataAccessException ex) {
			return null;
		}
	}

	@GetMapping("/{name}")
	CollectionView get(@PathVariable String name) {
		Collection collection = this.service.get(name);
		boolean tokens = collection.tokenStorage() != null;
		return CollectionView.of(collection, this.service.sizeBytes(collection),
				tokens ? this.service.tokenBytes(collection) : null,
				tokens ? this.service.chunksWithoutTokens(collection) : null);
	}

	/**
	 * Makes a collection keep token vectors for late interaction from now on; those its chunks lack are computed
	 * in the background ({@code lateInteraction.missingChunks} counts down).
	 */
	@org.springframework.web.bind.annotation.PutMapping("/{name}/late-interaction")
	CollectionView keepTokens(@PathVariable String name, @RequestBody LateInteraction request) {
		return get(this.service.keepTokens(name, request).name());
	}

	@DeleteMapping("/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String name) {
		this.service.delete(name);
	}

	/**
	 * A collection to create; everything but the name has a default ({@code rag.retrieval.collections.*}).
	 * Without {@code dimensions} the model is asked (one embedding call), which also checks model and task.
	 * {@code chunking} tells ingest-service how to cut the collection's documents; {@code lateInteraction} how its
	 * chunks' token vectors are stored for reranking.
	 */
	record CreateCollection(String name, String embeddingModel, Integer dimensions, String distance, String storage,
			String defaultTask, String language, Hnsw hnsw, Chunking chunking, LateInteraction lateInteraction) {
	}

	/**
	 * Token vectors stored at index time, for late-interaction rerank: {@code binary} (default), {@code int8},
	 * {@code float32} or {@code none}; on GET of one collection, {@code sizeBytes} is what they take and
	 * {@code missingChunks} how many chunks have none yet (the backfill's work left).
	 */
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
	record LateInteraction(String storage, Long sizeBytes, Long missingChunks) {
	}

	record Chunking(Integer targetTokens, Integer overlapTokens) {
	}

	record Hnsw(Integer m, Integer efConstruction) {
	}

	record CollectionList(List<CollectionView> collections) {
	}

	/** {@code generation}: differs for every collection created, also under a name used before. */
	record CollectionView(String name, long generation, String embeddingModel, int dimensions, String distance, String storage,
			String defaultTask, String language, Hnsw hnsw, Chunking chunking, LateInteraction lateInteraction,
			long documents, long chunks, Long sizeBytes, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

		static CollectionView of(Collection c, Long sizeBytes, Long tokenBytes, Long missingChunks) {
			return new CollectionView(c.name(), c.id(), c.embeddingModel(), c.dimensions(), c.distance().id(),
					c.storage().id(), c.defaultTask(), c.language(), new Hnsw(c.hnswM(), c.hnswEfConstruction()),
					new Chunking(c.chunkTargetTokens(), c.chunkOverlapTokens()),
					new LateInteraction((c.tokenStorage() != null) ? c.tokenStorage().id() : CollectionService.NO_TOKENS,
							tokenBytes, missingChunks),
					c.documentCount(), c.chunkCount(), sizeBytes, c.createdAt(), c.updatedAt());
		}

	}

}
