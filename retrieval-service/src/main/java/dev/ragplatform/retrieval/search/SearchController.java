package dev.ragplatform.retrieval.search;

import dev.ragplatform.contracts.search.SearchRequest;
import dev.ragplatform.contracts.search.SearchResponse;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/search} (text) and {@code POST /v1/search/vector} (raw vector). */
@RestController
class SearchController {

	private final SearchService service;

	SearchController(SearchService service) {
		this.service = service;
	}

	/** Set by the gateway on every request it forwards: the caller's scopes, e.g. {@code read,write}. */
	static final String CALLER_SCOPES = "X-Rag-Caller-Scopes";

	private static boolean admin(String scopes) {
		return scopes != null && java.util.Arrays.asList(scopes.split(",")).contains("admin");
	}

	@PostMapping("/v1/search")
	SearchResponse search(@RequestBody SearchRequest request,
			@RequestHeader(name = CALLER_SCOPES, required = false) String scopes) {
		return this.service.search(request, admin(scopes));
	}

	@PostMapping("/v1/search/vector")
	SearchResponse searchByVector(@RequestBody VectorSearchRequest request,
			@RequestHeader(name = CALLER_SCOPES, required = false) String scopes) {
		return this.service.searchByVector(request, admin(scopes));
	}

}
