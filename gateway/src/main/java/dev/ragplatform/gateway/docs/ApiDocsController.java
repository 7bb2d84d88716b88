package dev.ragplatform.gateway.docs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.gateway.route.Scope;

import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/docs}: an OpenAPI 3.1 description of everything reachable through the gateway, generated from the
 * route table ({@link ApiRoute}) and the admin endpoints. The services do not publish OpenAPI documents yet, so
 * request and response bodies are summarised in words (each service's README has the fields); each operation names
 * its service ({@code x-rag-service}), upstream path ({@code x-rag-upstream}) and scope ({@code x-rag-scope}).
 */
@RestController
class ApiDocsController {

	private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z]+)}");

	private final Map<String, Object> document = build();

	@GetMapping(path = { "/api/docs", "/api/docs/openapi.json" }, produces = "application/json")
	Map<String, Object> openApi() {
		return this.document;
	}

	private static Map<String, Object> build() {
		Map<String, Object> paths = new LinkedHashMap<>();
		for (ApiRoute route : ApiRoute.values()) {
			for (ApiRoute.Operation op : route.operations()) {
				String upstream = (route.upstreamPath() != null) ? route.upstreamPath() : op.path().substring("/api".length());
				operation(paths, op.method(), op.path(), op.summary(), route.scope(), route.service().id(), upstream,
						route.collections().kind().name().toLowerCase(Locale.ROOT));
			}
		}
		operation(paths, HttpMethod.GET, "/api/v1/me",
				"Who the credential is: name, keyId, scopes, may (read|write|admin), collections (null: all)", Scope.READ,
				"gateway", null, "none");
		operation(paths, HttpMethod.POST, "/api/v1/admin/keys",
				"Create an API key: name, scopes (read|write|admin), collections (omit: all); the key is shown once",
				Scope.ADMIN, "gateway", null, "none");
		operation(paths, HttpMethod.GET, "/api/v1/admin/keys", "List API keys (never their secrets)", Scope.ADMIN,
				"gateway", null, "none");
		operation(paths, HttpMethod.GET, "/api/v1/admin/keys/{id}", "One API key", Scope.ADMIN, "gateway", null, "none");
		operation(paths, HttpMethod.DELETE, "/api/v1/admin/keys/{id}", "Delete an API key (not the last admin key)",
				Scope.ADMIN, "gateway", null, "none");
		operation(paths, HttpMethod.GET, "/api/v1/admin/overview",
				"Health of each service, collections with document and chunk counts and documents per status, ingest "
						+ "counters and consumer lag (read from the services on each call; unreadable parts say why)",
				Scope.ADMIN, "gateway", null, "none");
		operation(paths, HttpMethod.GET, "/api/v1/admin/reports",
				"Evaluation and benchmark reports in rag.gateway.reports-dir, newest first, with their files",
				Scope.ADMIN, "gateway", null, "none");
		operation(paths, HttpMethod.GET, "/api/v1/admin/reports/{file}", "One report file (.json, .md or .png)",
				Scope.ADMIN, "gateway", null, "none");

		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("openapi", "3.1.0");
		doc.put("info", Map.of("title", "RAG platform API (through the gateway)", "version", "v1", "description",
				"Every /api/v1 route of the gateway. Authenticate with an API key (Authorization: Bearer rag_… or "
						+ "X-API-Key) or, where enabled, a JWT. Scopes are cumulative (write includes read, admin "
						+ "both). Errors are RFC 9457 problems (application/problem+json)."));
		doc.put("security", List.of(Map.of("apiKey", List.of()), Map.of("bearer", List.of())));
		doc.put("components", Map.of("securitySchemes", Map.of("apiKey",
				Map.of("type", "apiKey", "in", "header", "name", "X-API-Key"), "bearer",
				Map.of("type", "http", "scheme", "bearer", "description", "an API key (rag_…) or a JWT"))));
		doc.put("paths", paths);
		return doc;
	}

	@SuppressWarnings("unchecked")
	private static void operation(Map<String, Object> paths, HttpMethod method, String path, String summary,
			Scope scope, String service, String upstream, String collections) {
		Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, (p) -> new LinkedHashMap<>());
		Map<String, Object> op = new LinkedHashMap<>();
		op.put("summary", summary);
		op.put("tags", List.of(service));
		Matcher variables = VARIABLE.matcher(path);
		List<Map<String, Object>> parameters = new java.util.ArrayList<>();
		while (variables.find()) {
			parameters.add(Map.of("name", variables.group(1), "in", "path", "required", true, "schema",
					Map.of("type", "string")));
		}
		if (!parameters.isEmpty()) {
			op.put("parameters", parameters);
		}
		if (method == HttpMethod.POST) {
			op.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema",
					Map.of("type", "object")))));
		}
		op.put("responses", Map.of("2XX", Map.of("description", "the service's answer"), "401",
				Map.of("description", "no, unknown, deleted or expired credential"), "403",
				Map.of("description", "missing scope, or a collection outside the key's list"), "429",
				Map.of("description", "rate limit reached (Retry-After)"), "503",
				Map.of("description", "the service is unreachable or its circuit is open")));
		op.put("x-rag-service", service);
		if (upstream != null) {
			op.put("x-rag-upstream", upstream);
		}
		op.put("x-rag-scope", scope.wireName());
		op.put("x-rag-collection", collections);
		item.put(method.name().toLowerCase(Locale.ROOT), op);
	}

}
