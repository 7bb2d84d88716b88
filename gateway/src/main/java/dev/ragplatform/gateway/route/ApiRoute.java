package dev.ragplatform.gateway.route;

import java.util.List;
import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

/**
 * The gateway's route table: every {@code /api/v1/**} route, the service it goes to, the scope it needs and where
 * its collection is. Matched in declaration order (the specific before the general). Upstream, {@code /api} is cut
 * off ({@code /api/v1/search} → retrieval-service {@code /v1/search}) unless {@link #upstreamPath()} says otherwise.
 * The Spring Cloud Gateway routes, the authorization rules, the size limits and {@code /api/docs} all come from here.
 */
public enum ApiRoute {

	SEARCH_VECTOR(Service.RETRIEVAL, Scope.READ, Set.of(POST), "/api/v1/search/vector", Collections.body("collection"),
			List.of(op(POST, "/api/v1/search/vector", "Nearest chunks to a vector: collection, vector, topK, filter"))),

	SEARCH(Service.RETRIEVAL, Scope.READ, Set.of(POST), "/api/v1/search", Collections.body("collection"),
			List.of(op(POST, "/api/v1/search", "Dense, lexical or hybrid search: collection, query, mode, topK, filter, rerank"))),

	COLLECTIONS_LIST(Service.RETRIEVAL, Scope.READ, Set.of(GET), "/api/v1/collections", Collections.ALL,
			List.of(op(GET, "/api/v1/collections", "Every collection with its settings and counts"))),

	COLLECTION_CREATE(Service.RETRIEVAL, Scope.WRITE, Set.of(POST), "/api/v1/collections", Collections.body("name"),
			List.of(op(POST, "/api/v1/collections", "Create a collection: name, embeddingModel, distance, hnsw, chunking, ..."))),

	COLLECTION_READ(Service.RETRIEVAL, Scope.READ, Set.of(GET), "/api/v1/collections/{collection}", Collections.PATH,
			List.of(op(GET, "/api/v1/collections/{collection}", "A collection's settings, counts and size"))),

	COLLECTION_DELETE(Service.RETRIEVAL, Scope.WRITE, Set.of(DELETE), "/api/v1/collections/{collection}",
			Collections.PATH, List.of(op(DELETE, "/api/v1/collections/{collection}", "Drop a collection and its chunks"))),

	COLLECTION_LATE_INTERACTION(Service.RETRIEVAL, Scope.WRITE, Set.of(PUT),
			"/api/v1/collections/{collection}/late-interaction", Collections.PATH,
			List.of(op(PUT, "/api/v1/collections/{collection}/late-interaction",
					"Keep token vectors for late-interaction rerank (storage); the missing ones are computed in the background"))),

	COLLECTION_LEXICAL_INDEX(Service.RETRIEVAL, Scope.READ, Set.of(GET), "/api/v1/collections/{collection}/lexical-index",
			Collections.PATH, List.of(op(GET, "/api/v1/collections/{collection}/lexical-index",
					"How far the answering replica's lexical index is: state, lagSeconds, chunks, sizeBytes"))),

	ADAPTERS_READ(Service.RETRIEVAL, Scope.READ, Set.of(GET), "/api/v1/collections/{collection}/adapters/**",
			Collections.PATH,
			List.of(op(GET, "/api/v1/collections/{collection}/adapters", "Task adapters of a collection, newest first"),
					op(GET, "/api/v1/collections/{collection}/adapters/{id}", "One adapter: status, progress, metrics"))),

	ADAPTERS_WRITE(Service.RETRIEVAL, Scope.WRITE, Set.of(POST, DELETE), "/api/v1/collections/{collection}/adapters/**",
			Collections.PATH, true,
			List.of(op(POST, "/api/v1/collections/{collection}/adapters",
					"Train a task adapter (JSON, or a label file as text/csv or application/x-ndjson)"),
					op(POST, "/api/v1/collections/{collection}/adapters/{id}:activate", "Activate an adapter"),
					op(POST, "/api/v1/collections/{collection}/adapters/{id}:deactivate", "Deactivate an adapter"),
					op(POST, "/api/v1/collections/{collection}/adapters/{id}:cancel", "Cancel a queued or running job"),
					op(DELETE, "/api/v1/collections/{collection}/adapters/{id}", "Cancel and delete an adapter"))),

	CHUNKS_READ(Service.RETRIEVAL, Scope.READ, Set.of(GET),
			"/api/v1/collections/{collection}/documents/{document}/chunks/**", Collections.PATH,
			List.of(op(GET, "/api/v1/collections/{collection}/documents/{document}/chunks",
					"The indexed chunks of a document in order (from, size): text, offsets, metadata"),
					op(GET, "/api/v1/collections/{collection}/documents/{document}/chunks/{index}",
							"One indexed chunk: text, offsets, metadata"))),

	DOCUMENTS_READ(Service.INGEST, Scope.READ, Set.of(GET), "/api/v1/collections/{collection}/documents/**",
			Collections.PATH,
			List.of(op(GET, "/api/v1/collections/{collection}/documents", "Documents, newest first (status, page, size)"),
					op(GET, "/api/v1/collections/{collection}/documents/{document}", "A document's ingest status and progress"),
					op(GET, "/api/v1/collections/{collection}/documents/{document}/text", "The parsed text of a document"),
					op(GET, "/api/v1/collections/{collection}/documents/{document}/history",
							"Every status the document's versions reached, oldest first"))),

	DOCUMENTS_WRITE(Service.INGEST, Scope.WRITE, Set.of(POST, DELETE), "/api/v1/collections/{collection}/documents/**",
			Collections.PATH, true,
			List.of(op(POST, "/api/v1/collections/{collection}/documents",
					"Submit a document: JSON {externalId, title, text, metadata} or multipart (file)"),
					op(POST, "/api/v1/collections/{collection}/documents/{document}:retry", "Retry a failed document"),
					op(DELETE, "/api/v1/collections/{collection}/documents/{document}", "Delete a document"))),

	SOURCES_READ(Service.INGEST, Scope.READ, Set.of(GET), "/api/v1/collections/{collection}/sources/**",
			Collections.PATH, List.of(op(GET, "/api/v1/collections/{collection}/sources/java/{job}",
					"State of a Java API source import"))),

	SOURCES_WRITE(Service.INGEST, Scope.WRITE, Set.of(POST), "/api/v1/collections/{collection}/sources/**",
			Collections.PATH, List.of(op(POST, "/api/v1/collections/{collection}/sources/java",
					"Import a Java API source archive (JDK src.zip or -sources.jar on the server)"))),

	DEAD_LETTERS(Service.INGEST, Scope.WRITE, Set.of(GET, POST), "/api/v1/dead-letters/**", Collections.ALL,
			List.of(op(GET, "/api/v1/dead-letters", "Records of the dead-letter topics with their reason (topic, limit)"),
					op(POST, "/api/v1/dead-letters/{topic}/{partition}/{offset}:replay",
							"Send a dead letter back to its topic, once"))),

	EMBEDDINGS(Service.EMBEDDING, Scope.READ, Set.of(POST), "/api/v1/embeddings", Collections.NONE,
			List.of(op(POST, "/api/v1/embeddings", "OpenAI-compatible embeddings: input, model, dimensions, task"))),

	EMBEDDING_MODELS(Service.EMBEDDING, Scope.READ, Set.of(GET), "/api/v1/embeddings/models", Collections.NONE,
			"/v1/models", List.of(op(GET, "/api/v1/embeddings/models", "The embedding models served"))),

	RERANK(Service.RERANK, Scope.READ, Set.of(POST), "/api/v1/rerank", Collections.NONE,
			List.of(op(POST, "/api/v1/rerank", "Cohere v2 / Jina rerank: query, documents, top_n"))),

	RERANK_MODELS(Service.RERANK, Scope.READ, Set.of(GET), "/api/v1/rerank/models", Collections.NONE, "/v1/models",
			List.of(op(GET, "/api/v1/rerank/models", "The rerank models served"))),

	CITATIONS(Service.LLM_ADAPTER, Scope.READ, Set.of(POST), "/api/v1/citations/**", Collections.body("collection"),
			List.of(op(POST, "/api/v1/citations/predict", "Which sources should a text cite: collection, text, topK, mode"))),

	APIS_IMPORT(Service.LLM_ADAPTER, Scope.WRITE, Set.of(POST), "/api/v1/apis/examples:import", Collections.MULTIPART,
			true, List.of(op(POST, "/api/v1/apis/examples:import", "Import solved examples (multipart: collection, file)"))),

	APIS(Service.LLM_ADAPTER, Scope.READ, Set.of(POST), "/api/v1/apis/**",
			Collections.body("apiCollection", "examplesCollection"),
			List.of(op(POST, "/api/v1/apis/recommend", "Which APIs solve a programming task: query, apiCollection, examplesCollection")));

	private final Service service;

	private final Scope scope;

	private final Set<HttpMethod> methods;

	private final String path;

	private final PathPattern pattern;

	private final Collections collections;

	private final boolean upload;

	private final String upstreamPath;

	private final List<Operation> operations;

	ApiRoute(Service service, Scope scope, Set<HttpMethod> methods, String path, Collections collections,
			List<Operation> operations) {
		this(service, scope, methods, path, collections, false, null, operations);
	}

	ApiRoute(Service service, Scope scope, Set<HttpMethod> methods, String path, Collections collections,
			boolean upload, List<Operation> operations) {
		this(service, scope, methods, path, collections, upload, null, operations);
	}

	ApiRoute(Service service, Scope scope, Set<HttpMethod> methods, String path, Collections collections,
			String upstreamPath, List<Operation> operations) {
		this(service, scope, methods, path, collections, false, upstreamPath, operations);
	}

	ApiRoute(Service service, Scope scope, Set<HttpMethod> methods, String path, Collections collections,
			boolean upload, String upstreamPath, List<Operation> operations) {
		this.service = service;
		this.scope = scope;
		this.methods = methods;
		this.path = path;
		this.pattern = PathPatternParser.defaultInstance.parse(path);
		this.collections = collections;
		this.upload = upload;
		this.upstreamPath = upstreamPath;
		this.operations = operations;
	}

	private static Operation op(HttpMethod method, String path, String summary) {
		return new Operation(method, path, summary);
	}

	/** The first route that takes this method and (decoded) path. */
	public static ApiRoute match(HttpMethod method, PathContainer path) {
		for (ApiRoute route : values()) {
			if (route.methods.contains(method) && route.pattern.matches(path)) {
				return route;
			}
		}
		return null;
	}

	/** The collection named in the path, for {@link Collections#PATH} routes. */
	public String pathCollection(PathContainer path) {
		PathPattern.PathMatchInfo info = this.pattern.matchAndExtract(path);
		return (info != null) ? info.getUriVariables().get("collection") : null;
	}

	/** The Spring Cloud Gateway route id. */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	public Service service() {
		return this.service;
	}

	public Scope scope() {
		return this.scope;
	}

	public Set<HttpMethod> methods() {
		return this.methods;
	}

	/** The gateway path pattern (Spring's PathPattern syntax). */
	public String path() {
		return this.path;
	}

	public Collections collections() {
		return this.collections;
	}

	/** Uploads get {@code rag.gateway.limits.max-upload} and the upload timeout. */
	public boolean upload() {
		return this.upload;
	}

	/** A fixed upstream path, or null when the upstream path is the gateway path without {@code /api}. */
	public String upstreamPath() {
		return this.upstreamPath;
	}

	/** The upstream endpoints this route covers, for {@code /api/docs}. */
	public List<Operation> operations() {
		return this.operations;
	}

	/** Where a route's collection is named; callers limited to some collections are checked against it. */
	public record Collections(Kind kind, List<String> fields) {

		static final Collections NONE = new Collections(Kind.NONE, List.of());

		static final Collections PATH = new Collections(Kind.PATH, List.of());

		static final Collections ALL = new Collections(Kind.ALL, List.of());

		static final Collections MULTIPART = new Collections(Kind.MULTIPART, List.of("collection"));

		static Collections body(String... fields) {
			return new Collections(Kind.BODY, List.of(fields));
		}

		/** Kinds of collection reference. */
		public enum Kind {

			/** The route uses no collection (embeddings, rerank). */
			NONE,

			/** {@code /collections/{collection}/…} */
			PATH,

			/** Top-level string fields of a JSON body. */
			BODY,

			/** Every collection (the list): refused to callers limited to some. */
			ALL,

			/** A multipart form field, which the gateway does not read: refused to callers limited to some. */
			MULTIPART

		}

	}

	/** One upstream endpoint reachable through a route. */
	public record Operation(HttpMethod method, String path, String summary) {
	}

}
