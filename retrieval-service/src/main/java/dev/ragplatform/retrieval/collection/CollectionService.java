package dev.ragplatform.retrieval.collection;

import java.util.List;

import dev.ragplatform.retrieval.collection.CollectionRepository.NewCollection;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.embedding.EmbeddingClient;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creates, finds and deletes collections. */
@Service
public class CollectionService {

	/** The token storage of a collection without late interaction at index time. */
	static final String NO_TOKENS = "none";

	private final CollectionRepository repository;

	private final EmbeddingClient embeddings;

	private final RetrievalProperties.Collections defaults;

	private final TransactionTemplate transactions;

	private final org.springframework.context.ApplicationEventPublisher events;

	CollectionService(CollectionRepository repository, EmbeddingClient embeddings, RetrievalProperties properties,
			TransactionTemplate transactions, org.springframework.context.ApplicationEventPublisher events) {
		this.events = events;
		this.repository = repository;
		this.embeddings = embeddings;
		this.defaults = properties.collections();
		this.transactions = transactions;
	}

	/** The collection, or a 404 problem; the name is checked against the pattern first (400). */
	public Collection get(String name) {
		return this.repository.findByName(checkName(name))
			.orElseThrow(() -> ServiceProblem.notFound("Collection '" + name + "' does not exist."));
	}

	List<Collection> list() {
		return this.repository.findAll();
	}

	long sizeBytes(Collection collection) {
		return this.repository.sizeBytes(collection);
	}

	long tokenBytes(Collection collection) {
		return this.repository.tokenBytes(collection);
	}

	long chunksWithoutTokens(Collection collection) {
		return this.repository.chunksWithoutTokens(collection);
	}

	/**
	 * Makes an existing collection keep token vectors in {@code storage}; the backfill computes those its chunks
	 * lack. The storage of a collection that keeps them cannot change (its chunks would all be re-encoded): 409.
	 */
	Collection keepTokens(String name, CollectionController.LateInteraction request) {
		Collection collection = get(name);
		TokenEncoding storage = tokenStorage(request);
		if (storage == null) {
			throw ServiceProblem.badRequest("lateInteraction.storage must be binary, int8 or float32 here (a "
					+ "collection's token vectors are not dropped)");
		}
		checkRecordSize(storage, chunkTokens(collection.embeddingModel(), collection.chunkTargetTokens()),
				collection.dimensions());
		if (collection.tokenStorage() == null) {
			// the same probe as at creation: the model must serve token vectors of the collection's width
			checkTokenWidth(collection.embeddingModel(), collection.defaultTask(), collection.dimensions(), storage);
		}
		if (!this.repository.keepTokens(collection, storage)) {
			throw ServiceProblem.conflict("Collection '" + name + "' keeps " + collection.tokenStorage().id()
					+ " token vectors; their storage cannot change (create a new collection).");
		}
		return get(name);
	}

	Collection create(CollectionController.CreateCollection request) {
		String name = checkName(request.name());
		String model = orDefault(request.embeddingModel(), this.defaults.embeddingModel());
		String task = orDefault(request.defaultTask(), this.defaults.defaultTask());
		String language = orDefault(request.language(), this.defaults.language());
		Distance distance = parse(() -> Distance.parse(orDefault(request.distance(), "cosine")));
		Storage storage = parse(() -> Storage.parse(orDefault(request.storage(), "vector")));
		int m = (request.hnsw() != null && request.hnsw().m() != null) ? request.hnsw().m() : this.defaults.hnswM();
		int efConstruction = (request.hnsw() != null && request.hnsw().efConstruction() != null)
				? request.hnsw().efConstruction() : this.defaults.hnswEfConstruction();
		if (m < 2 || m > 100) {
			throw ServiceProblem.badRequest("hnsw.m must be between 2 and 100");
		}
		if (efConstruction < 2 * m || efConstruction > 1000) {
			throw ServiceProblem.badRequest("hnsw.efConstruction must be between 2·m (" + 2 * m + ") and 1000");
		}
		int target = (request.chunking() != null && request.chunking().targetTokens() != null)
				? request.chunking().targetTokens() : this.defaults.chunkTargetTokens();
		int overlap = (request.chunking() != null && request.chunking().overlapTokens() != null)
				? request.chunking().overlapTokens() : Math.min(this.defaults.chunkOverlapTokens(), (target - 1) / 2);
		if (target < 16 || target > 8192) {
			throw ServiceProblem.badRequest("chunking.targetTokens must be between 16 and 8192");
		}
		if (overlap < 0 || overlap * 2 >= target) {
			throw ServiceProblem.badRequest("chunking.overlapTokens must be at least 0 and less than half of "
					+ "targetTokens (" + target + ")");
		}
		if (!this.repository.languageExists(language)) {
			throw ServiceProblem.badRequest("language '" + language
					+ "' is not a PostgreSQL text search configuration (e.g. english, german, simple)");
		}
		if (request.dimensions() != null) {
			checkDimensions(request.dimensions(), storage);
		}
		boolean explicit = request.lateInteraction() != null && request.lateInteraction().storage() != null
				&& !request.lateInteraction().storage().isBlank();
		TokenEncoding tokenStorage = tokenStorage(request.lateInteraction());
		// The model and task are checked by embedding them once; that also gives the dimensions, and the width of
		// the model's token vectors when the collection is to keep them.
		EmbeddingClient.QueryVectors probe = (tokenStorage != null) ? probeTokens(model, task, tokenStorage, explicit)
				: null;
		Integer probed = (probe != null) ? probe.vector().length : null;
		Integer tokenWidth = (probe != null) ? probe.tokens()[0].length : null;
		int dimensions = (request.dimensions() != null) ? request.dimensions()
				: (probed != null) ? probed : this.embeddings.embedQuery(model, task, "dimension probe").length;
		checkDimensions(dimensions, storage);
		if (tokenStorage != null && (tokenWidth == null || tokenWidth != dimensions)) {
			if (explicit) {
				throw narrower(model, tokenWidth, dimensions);
			}
			tokenStorage = null; // the default applies where it can: the model's full width
		}
		if (tokenStorage != null) {
			checkRecordSize(tokenStorage, chunkTokens(model, target), dimensions);
		}
		NewCollection settings = new NewCollection(name, model, dimensions, distance, storage, task, language, m,
				efConstruction, target, overlap, tokenStorage);
		try {
			return this.transactions.execute((tx) -> this.repository.insert(settings));
		}
		catch (DuplicateKeyException ex) {
			throw ServiceProblem.conflict("Collection '" + name + "' already exists.");
		}
	}

	/**
	 * Deletes the collection and its chunks, then announces it ({@link CollectionDeleted}) so that ingest-service
	 * ends its view of the collection's documents.
	 */
	void delete(String name) {
		Collection collection = get(name);
		this.transactions.executeWithoutResult((tx) -> this.repository.delete(collection));
		this.events.publishEvent(new CollectionDeleted(collection.name(), collection.id()));
	}

	private static void checkDimensions(int dimensions, Storage storage) {
		if (dimensions < 1 || dimensions > storage.maxIndexedDimensions()) {
			throw ServiceProblem.badRequest("dimensions must be between 1 and " + storage.maxIndexedDimensions()
					+ " with storage " + storage.id() + ((storage == Storage.VECTOR) ? " (halfvec indexes up to 4000)" : ""));
		}
	}

	/** The most tokens a chunk's token vectors have: its target plus [CLS] and [SEP], at most the model's input. */
	private int chunkTokens(String model, int targetTokens) {
		return Math.min(targetTokens + 2, this.embeddings.maxInputTokens(model, targetTokens + 2));
	}

	/**
	 * A chunk travels to this service in one Kafka record with its token vectors in base64: a collection whose full
	 * chunks' token vectors would take more than {@code collections.max-token-bytes-per-chunk} is refused here, rather
	 * than every long document failing at publish.
	 */
	private void checkRecordSize(TokenEncoding storage, int chunkTokens, int dimensions) {
		long budget = this.defaults.maxTokenBytesPerChunk().toBytes();
		long base64 = (storage.bytes(chunkTokens, dimensions) + 2) / 3 * 4;
		if (base64 > budget) {
			// the chunk's tokens without [CLS] and [SEP]
			long fits = (budget / 4 * 3 - storage.bytes(0, dimensions)) / storage.bytesPerToken(dimensions) - 2;
			throw ServiceProblem.badRequest("lateInteraction.storage " + storage.id() + ": the token vectors of a "
					+ chunkTokens + "-token chunk take " + base64 + " bytes in a record, more than the " + budget
					+ " a chunk's record leaves them; set chunking.targetTokens to at most " + fits
					+ " or use lateInteraction.storage binary or int8");
		}
	}

	/** Whether {@code model} serves token vectors of {@code dimensions} (one embedding call); else a 400. */
	private void checkTokenWidth(String model, String task, int dimensions, TokenEncoding storage) {
		int width = probeTokens(model, task, storage, true).tokens()[0].length;
		if (dimensions != width) {
			throw narrower(model, width, dimensions);
		}
	}

	/**
	 * One embedding call with token vectors: the query vector and its token vectors. A model that cannot serve
	 * them is a 400 when {@code explicit}, else {@code null} (a bad model or task then fails on the next call).
	 */
	private EmbeddingClient.QueryVectors probeTokens(String model, String task, TokenEncoding storage,
			boolean explicit) {
		try {
			return this.embeddings.embedQueryWithTokens(model, task, "dimension probe");
		}
		catch (ServiceProblem ex) {
			if (ex.getStatusCode().value() != 400) {
				throw ex;
			}
			if (explicit) {
				throw ServiceProblem.badRequest("lateInteraction.storage " + storage.id() + ": " + model
						+ " cannot serve token vectors (" + ex.getBody().getDetail() + "); use "
						+ "lateInteraction.storage none");
			}
			return null;
		}
	}

	private static ServiceProblem narrower(String model, Integer tokenWidth, int dimensions) {
		return ServiceProblem.badRequest("lateInteraction needs the model's full width: " + model + "'s token "
				+ "vectors have " + tokenWidth + " dimensions, the collection " + dimensions
				+ "; leave dimensions out or set lateInteraction.storage none");
	}

	/** The request's token storage, the default when it names none; {@code null} for {@code none}. */
	private TokenEncoding tokenStorage(CollectionController.LateInteraction request) {
		String value = orDefault((request != null) ? request.storage() : null, this.defaults.tokenStorage());
		if (NO_TOKENS.equals(value)) {
			return null;
		}
		try {
			return TokenEncoding.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest("lateInteraction.storage must be binary, int8, float32 or none; not '"
					+ value + "'");
		}
	}

	static String checkName(String name) {
		if (name == null || !Collection.NAME.matcher(name).matches()) {
			throw ServiceProblem.badRequest("Collection names are 1-63 characters of a-z, 0-9, '_' and '-', "
					+ "starting with a letter or digit.");
		}
		return name;
	}

	private static String orDefault(String value, String fallback) {
		return (value == null || value.isBlank()) ? fallback : value;
	}

	private static <T> T parse(java.util.function.Supplier<T> parser) {
		try {
			return parser.get();
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest(ex.getMessage());
		}
	}

}
