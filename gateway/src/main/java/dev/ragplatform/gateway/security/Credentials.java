package dev.ragplatform.gateway.security;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the credential: {@code X-API-Key: rag_…}, or {@code Authorization: Bearer <token>}, where a token starting
 * with {@code rag_} is an API key and anything else a JWT.
 */
final class Credentials implements ServerAuthenticationConverter {

	static final String API_KEY_HEADER = "X-API-Key";

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String apiKey = headers.getFirst(API_KEY_HEADER);
		if (apiKey != null) {
			return Mono.just(new ApiKeyCredential(apiKey.strip()));
		}
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null) {
			return Mono.empty();
		}
		if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return Mono.just(new ApiKeyCredential(""));
		}
		String token = authorization.substring(7).strip();
		return Mono.just(token.startsWith("rag_") ? new ApiKeyCredential(token) : new BearerTokenAuthenticationToken(token));
	}

	/** An API key as presented, not yet checked. */
	static final class ApiKeyCredential extends AbstractAuthenticationToken {

		private final String key;

		ApiKeyCredential(String key) {
			super(List.of());
			this.key = key;
		}

		String key() {
			return this.key;
		}

		@Override
		public Object getCredentials() {
			return this.key;
		}

		@Override
		public Object getPrincipal() {
			return "api-key";
		}

	}

}
