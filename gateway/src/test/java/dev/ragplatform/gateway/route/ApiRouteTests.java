package dev.ragplatform.gateway.route;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRouteTests {

	@ParameterizedTest(name = "{0} {1} -> {2} ({3})")
	@CsvSource({
			"POST,   /api/v1/search,                                   SEARCH,            retrieval-service, read",
			"POST,   /api/v1/search/vector,                            SEARCH_VECTOR,     retrieval-service, read",
			"GET,    /api/v1/collections,                              COLLECTIONS_LIST,  retrieval-service, read",
			"POST,   /api/v1/collections,                              COLLECTION_CREATE, retrieval-service, write",
			"GET,    /api/v1/collections/kb,                           COLLECTION_READ,   retrieval-service, read",
			"DELETE, /api/v1/collections/kb,                           COLLECTION_DELETE, retrieval-service, write",
			"PUT,    /api/v1/collections/kb/late-interaction,          COLLECTION_LATE_INTERACTION, retrieval-service, write",
			"GET,    /api/v1/collections/kb/adapters,                  ADAPTERS_READ,     retrieval-service, read",
			"POST,   /api/v1/collections/kb/adapters/a1:activate,      ADAPTERS_WRITE,    retrieval-service, write",
			"DELETE, /api/v1/collections/kb/adapters/a1,               ADAPTERS_WRITE,    retrieval-service, write",
			"GET,    /api/v1/collections/kb/documents/d1/chunks/0,     CHUNKS_READ,       retrieval-service, read",
			"GET,    /api/v1/collections/kb/documents/d1/chunks,       CHUNKS_READ,       retrieval-service, read",
			"GET,    /api/v1/collections/kb/documents,                 DOCUMENTS_READ,    ingest-service,    read",
			"GET,    /api/v1/collections/kb/documents/d1,              DOCUMENTS_READ,    ingest-service,    read",
			"GET,    /api/v1/collections/kb/documents/d1/text,         DOCUMENTS_READ,    ingest-service,    read",
			"GET,    /api/v1/collections/kb/documents/d1/history,      DOCUMENTS_READ,    ingest-service,    read",
			"GET,    /api/v1/dead-letters,                             DEAD_LETTERS,      ingest-service,    write",
			"POST,   /api/v1/dead-letters/rag.chunks.v1-dlt/0/7:replay, DEAD_LETTERS,     ingest-service,    write",
			"POST,   /api/v1/collections/kb/documents,                 DOCUMENTS_WRITE,   ingest-service,    write",
			"POST,   /api/v1/collections/kb/documents/d1:retry,        DOCUMENTS_WRITE,   ingest-service,    write",
			"DELETE, /api/v1/collections/kb/documents/d1,              DOCUMENTS_WRITE,   ingest-service,    write",
			"POST,   /api/v1/collections/kb/sources/java,              SOURCES_WRITE,     ingest-service,    write",
			"GET,    /api/v1/collections/kb/sources/java/j1,           SOURCES_READ,      ingest-service,    read",
			"POST,   /api/v1/embeddings,                               EMBEDDINGS,        embedding-service, read",
			"GET,    /api/v1/embeddings/models,                        EMBEDDING_MODELS,  embedding-service, read",
			"POST,   /api/v1/rerank,                                   RERANK,            rerank-service,    read",
			"GET,    /api/v1/rerank/models,                            RERANK_MODELS,     rerank-service,    read",
			"POST,   /api/v1/citations/predict,                        CITATIONS,         llm-adapter,       read",
			"POST,   /api/v1/apis/recommend,                           APIS,              llm-adapter,       read",
			"POST,   /api/v1/apis/examples:import,                     APIS_IMPORT,       llm-adapter,       write" })
	void routesEachEndpointToItsServiceWithItsScope(String method, String path, ApiRoute expected, String service,
			String scope) {
		ApiRoute route = ApiRoute.match(HttpMethod.valueOf(method), PathContainer.parsePath(path));

		assertThat(route).isEqualTo(expected);
		assertThat(route.service().id()).isEqualTo(service);
		assertThat(route.scope().wireName()).isEqualTo(scope);
	}

	@ParameterizedTest
	@CsvSource({ "PUT, /api/v1/search", "GET, /api/v1/search", "GET, /api/v1/unknown", "POST, /api/v1/collections/kb",
			"GET, /api/v2/search", "GET, /v1/collections" })
	void noRouteForOtherMethodsAndPaths(String method, String path) {
		assertThat(ApiRoute.match(HttpMethod.valueOf(method), PathContainer.parsePath(path))).isNull();
	}

	@Test
	void collectionComesFromThePathOfCollectionRoutes() {
		PathContainer path = PathContainer.parsePath("/api/v1/collections/kb-1/documents/d1/chunks/3");

		assertThat(ApiRoute.CHUNKS_READ.pathCollection(path)).isEqualTo("kb-1");
		assertThat(ApiRoute.match(HttpMethod.GET, path).collections().kind()).isEqualTo(ApiRoute.Collections.Kind.PATH);
	}

	@Test
	void everyRouteHasAUniqueIdAndDocumentsItsOperations() {
		Set<String> ids = new HashSet<>();
		for (ApiRoute route : ApiRoute.values()) {
			assertThat(ids.add(route.id())).as(route.name()).isTrue();
			assertThat(route.operations()).as(route.name()).isNotEmpty();
			for (ApiRoute.Operation op : route.operations()) {
				// each documented operation is reachable through its own route, not an earlier one
				String concrete = op.path().replaceAll("\\{[a-z]+}", "x1");
				assertThat(ApiRoute.match(op.method(), PathContainer.parsePath(concrete))).as(op.path()).isEqualTo(route);
			}
		}
	}

	@Test
	void uploadsAreTheDocumentAdapterAndImportRoutes() {
		assertThat(Arrays.stream(ApiRoute.values()).filter(ApiRoute::upload)).containsExactlyInAnyOrder(
				ApiRoute.ADAPTERS_WRITE, ApiRoute.DOCUMENTS_WRITE, ApiRoute.APIS_IMPORT);
	}

	@Test
	void scopesAreCumulative() {
		assertThat(Scope.READ.isGrantedBy(Set.of(Scope.WRITE))).isTrue();
		assertThat(Scope.WRITE.isGrantedBy(Set.of(Scope.ADMIN))).isTrue();
		assertThat(Scope.WRITE.isGrantedBy(Set.of(Scope.READ))).isFalse();
		assertThat(Scope.ADMIN.isGrantedBy(Set.of(Scope.READ, Scope.WRITE))).isFalse();
		assertThat(Scope.READ.isGrantedBy(Set.of())).isFalse();
	}

}
