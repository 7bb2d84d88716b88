package dev.ragplatform.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional JWT resource server against an OpenID Connect issuer served over HTTP by the test (discovery document
 * and JWK set, as an identity provider publishes them), in front of the real embedding-service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
class JwtIT {

	static final RSAKey SIGNING = generate();

	static final RSAKey STRANGER = generate();

	static final HttpServer ISSUER = issuer();

	static String issuerUri() {
		return "http://127.0.0.1:" + ISSUER.getAddress().getPort();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.jwt.issuer-uri", JwtIT::issuerUri);
		registry.add("rag.gateway.services.embedding.url", () -> Upstreams.embedding().toString());
	}

	@AfterAll
	static void stop() {
		ISSUER.stop(0);
	}

	@LocalServerPort
	int port;

	@Test
	void aValidTokensScopesAndCollectionsApply() {
		Http http = new Http(this.port);
		String reader = token(SIGNING, issuerUri(), "read", List.of("kb"), Instant.now().plusSeconds(300));
		String everywhere = token(SIGNING, issuerUri(), "read", List.of("*"), Instant.now().plusSeconds(300));
		assertThat(http.get("/api/v1/collections/other", everywhere).status()).as("[\"*\"]: every collection")
			.isNotEqualTo(403);

		assertThat(http.get("/api/v1/embeddings/models", reader).status()).isEqualTo(200);
		Http.Response write = http.post("/api/v1/collections", reader, Map.of("name", "kb"));
		assertThat(write.status()).isEqualTo(403);
		assertThat(write.json().path("detail").asString()).contains("needs the write scope");
		Http.Response other = http.get("/api/v1/collections/other", reader);
		assertThat(other.status()).isEqualTo(403);
		assertThat(other.json().path("detail").asString()).contains("may not use collection 'other'");
		assertThat(http.get("/api/v1/admin/keys", reader).status()).isEqualTo(403);
	}

	@Test
	void forgedExpiredOrForeignTokensAre401() {
		Http http = new Http(this.port);
		for (String token : List.of(token(STRANGER, issuerUri(), "admin", List.of("*"), Instant.now().plusSeconds(300)),
				token(SIGNING, issuerUri(), "admin", List.of("*"), Instant.now().minusSeconds(600)),
				token(SIGNING, "https://elsewhere.example", "admin", List.of("*"), Instant.now().plusSeconds(300)),
				token(SIGNING, issuerUri(), "admin", List.of("*"), Instant.now().plusSeconds(300), "another-service"))) {
			Http.Response response = http.get("/api/v1/embeddings/models", token);
			assertThat(response.status()).as(response.toString()).isEqualTo(401);
			assertThat(response.problemType()).isEqualTo("https://ragplatform.dev/problems/unauthorized");
		}
		// a genuine token of this issuer and audience, but without the collections claim: it grants nothing here
		Http.Response noCollections = http.get("/api/v1/embeddings/models",
				token(SIGNING, issuerUri(), "admin", null, Instant.now().plusSeconds(300)));
		assertThat(noCollections.status()).as("%s", noCollections).isEqualTo(401);
		assertThat(noCollections.json().path("detail").asString()).contains("rag_collections");
		Http.Response wrongAudience = http.get("/api/v1/embeddings/models",
				token(SIGNING, issuerUri(), "admin", List.of("*"), Instant.now().plusSeconds(300), "another-service"));
		assertThat(wrongAudience.json().path("detail").asString()).contains("aud");
	}

	private static String token(RSAKey key, String issuer, String scope, List<String> collections, Instant expires) {
		return token(key, issuer, scope, collections, expires, "rag-platform");
	}

	private static String token(RSAKey key, String issuer, String scope, List<String> collections, Instant expires,
			String audience) {
		try {
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
				.subject("alice")
				.audience(List.of(audience, "account"))
				.claim("scope", scope)
				.issueTime(Date.from(Instant.now().minusSeconds(5)))
				.expirationTime(Date.from(expires));
			if (collections != null) {
				claims.claim("rag_collections", collections);
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(SIGNING.getKeyID()).build(),
					claims.build());
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID("test-key").generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer issuer() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
			server.createContext("/.well-known/openid-configuration", (exchange) -> reply(exchange,
					"{\"issuer\":\"" + issuerUri(server) + "\",\"jwks_uri\":\"" + issuerUri(server) + "/jwks\","
							+ "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
			server.createContext("/jwks", (exchange) -> reply(exchange, new JWKSet(SIGNING.toPublicJWK()).toString()));
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String issuerUri(HttpServer server) {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	private static void reply(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}
