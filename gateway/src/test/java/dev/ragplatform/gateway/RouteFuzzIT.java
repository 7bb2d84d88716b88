package dev.ragplatform.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.ragplatform.gateway.StubUpstream.Received;
import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route fuzzing: every operation of the route table, under every HTTP method and two dozen path mutations
 * (trailing and doubled slashes, case, dot segments plain and encoded, encoded slashes and backslashes, path
 * parameters, NUL, spaces, suffixes), sent with an admin key to a gateway whose five services are one recording
 * stand-in. The gateway fails closed: a request is forwarded only when the route table itself matches its method and
 * path, it arrives upstream with exactly the path the gateway matched (no normalisation in between), and everything
 * else is a 4xx problem; nothing is ever a 5xx.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "rag.gateway.bootstrap-key=" + RouteFuzzIT.ADMIN,
		"rag.gateway.rate-limit.replenish-rate=100000", "rag.gateway.rate-limit.burst-capacity=100000",
		"rag.gateway.retry.attempts=0" })
@RealPostgres
class RouteFuzzIT {

	static final String ADMIN = "rag_routeFuzzIT-bootstrap-admin-key-0123456789";

	static final StubUpstream STUB = new StubUpstream();

	static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE");

	@DynamicPropertySource
	static void stub(DynamicPropertyRegistry registry) {
		for (String service : List.of("ingest", "embedding", "retrieval", "rerank", "llm-adapter")) {
			registry.add("rag.gateway.services." + service + ".url", () -> STUB.url().toString());
		}
	}

	@AfterAll
	static void stop() {
		STUB.close();
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void onlyWhatTheRouteTableMatchesIsForwardedAndNothingIsA5xx() throws Exception {
		Set<String> paths = new LinkedHashSet<>();
		for (ApiRoute route : ApiRoute.values()) {
			for (ApiRoute.Operation operation : route.operations()) {
				String canonical = operation.path().replace("{collection}", "fuzz").replace("{document}", "d1")
					.replace("{id}", "a1").replace("{index}", "0").replace("{job}", "j1")
					.replace("{topic}", "rag.documents.v1-dlt").replace("{partition}", "0").replace("{offset}", "0");
				paths.addAll(mutations(canonical));
			}
		}
		paths.addAll(List.of("/api", "/api/", "/api/v1", "/api/v1/", "/api/v2/search", "/api/v1/admin/../search",
				"/api/v1/nothing", "/api/v1/collections/fuzz/secrets", "/api/%2e%2e/actuator/env"));
		int sent = 0;
		int forwarded = 0;
		List<String> violations = new ArrayList<>();
		for (String path : paths) {
			for (String method : METHODS) {
				STUB.reset();
				int status = send(method, path);
				sent++;
				List<Received> upstream = STUB.received();
				ApiRoute route = matched(method, path);
				String request = method + " " + path + " → " + status;
				if (status >= 500) {
					violations.add(request + ": a 5xx");
				}
				if (upstream.isEmpty()) {
					if (status < 400) {
						violations.add(request + ": answered without a service and without a 4xx");
					}
					continue;
				}
				forwarded++;
				if (route == null) {
					violations.add(request + ": forwarded (" + upstream.get(0).method() + " " + upstream.get(0).pathAndQuery()
							+ ") though no route of the table matches");
					continue;
				}
				Received arrived = upstream.get(0);
				String query = path.contains("?") ? path.substring(path.indexOf('?')) : "";
				String expected = (route.upstreamPath() != null) ? route.upstreamPath() + query
						: path.substring("/api".length());
				String ambiguity = ambiguity(arrived.pathAndQuery());
				if (ambiguity != null) {
					violations.add(request + ": forwarded as " + arrived.pathAndQuery() + ", which a service would read "
							+ "differently (" + ambiguity + ")");
				}
				if (upstream.size() != 1 || !arrived.method().equals(method) || !arrived.pathAndQuery().equals(expected)) {
					violations.add(request + ": " + upstream.size() + " upstream request(s), the first "
							+ arrived.method() + " " + arrived.pathAndQuery() + ", expected " + method + " " + expected);
				}
			}
		}
		assertThat(violations).as("of %d requests (%d forwarded)", sent, forwarded).isEmpty();
		assertThat(forwarded).as("the canonical paths are forwarded").isGreaterThan(20);
	}

	/** The route the table matches for this method and raw path, as the gateway's own rules read the path. */
	private static ApiRoute matched(String method, String rawPath) {
		String query = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
		return ApiRoute.match(HttpMethod.valueOf(method), PathContainer.parsePath(query));
	}

	/** Why a service (Tomcat) could map this raw path to another resource than the one checked, or null. */
	private static String ambiguity(String pathAndQuery) {
		String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
		String[] segments = path.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String decoded = java.net.URLDecoder.decode(segments[i].replace("+", "%2B"),
					java.nio.charset.StandardCharsets.UTF_8);
			if (decoded.equals(".") || decoded.equals("..")) {
				return "a dot segment";
			}
			if (decoded.isEmpty() && i < segments.length - 1) {
				return "an empty segment";
			}
			if (decoded.contains("/") || decoded.contains("\\") || decoded.contains(";") || decoded.contains("\0")) {
				return "an encoded separator, path parameter or NUL";
			}
		}
		return null;
	}

	private static List<String> mutations(String p) {
		int last = p.lastIndexOf('/');
		String head = p.substring(0, last);
		String tail = p.substring(last + 1);
		List<String> all = new ArrayList<>(List.of(p, p + "/", p + "//", "/" + p, p.replace("/v1/", "/v1//"),
				p.toUpperCase(Locale.ROOT), p.replace("/api/", "/API/"), p + "/.", p + "/..", p + "/../collections",
				p.replace("/v1/", "/v1/./"), p + "%2F", head + "%2F" + tail, head + "%2f" + tail, head + "%5C" + tail,
				p + ";x=1", head + ";/" + tail, p + "%00", p + "%20", p + "?q=1", p + "/x", p + ".json",
				p.replace("/v1/", "/v1/%2e%2e/v1/"), p.replace("/v1/", "/%76%31/"), p.replace("/api/", "/api/v1/../"),
				p.replace("/v1/", "/v1/%2E/")));
		return all;
	}

	private int send(String method, String path) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + ADMIN);
		if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE")
				|| method.equals("DELETE")) {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		else {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString("{\"collection\":\"fuzz\",\"name\":\"fuzz\"}"));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
