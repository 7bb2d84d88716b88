package dev.ragplatform.gateway.security;

import dev.ragplatform.gateway.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;

/**
 * Stateless security: every {@code /api} request except {@code /api/docs} carries an API key or a JWT; scopes and
 * collections per {@link AccessRules}. 401 and 403 are problems. Actuator endpoints and {@code /admin} (the console's
 * static files, which call the API with a key) are open.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, CallerAuthenticationManager callers) {
		AuthenticationWebFilter authentication = new AuthenticationWebFilter(callers);
		authentication.setServerAuthenticationConverter(new Credentials());
		authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		authentication.setAuthenticationFailureHandler((filterExchange, ex) -> unauthorized(filterExchange.getExchange(),
				reason(ex)));
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// the services set their own caching headers
			.headers((headers) -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable))
			.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/api/docs", "/api/docs/**")
				.permitAll()
				.pathMatchers("/api", "/api/**")
				.access(new AccessRules())
				.anyExchange()
				.permitAll())
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint((exchange, ex) -> unauthorized(exchange,
						"this endpoint needs an API key: Authorization: Bearer rag_… or X-API-Key: rag_…"))
				.accessDeniedHandler((exchange, ex) -> {
					String reason = exchange.getAttribute(AccessRules.REASON);
					return Problems.write(exchange, Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden",
							(reason != null) ? reason : "not allowed"));
				}))
			.build();
	}

	/** Why a credential was refused: for a JWT that failed validation, which checks failed (expiry, aud, claims). */
	private static String reason(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof JwtValidationException invalid && !invalid.getErrors().isEmpty()) {
				return "invalid token: " + invalid.getErrors()
					.stream()
					.map((error) -> (error.getDescription() != null) ? error.getDescription() : error.getErrorCode())
					.collect(java.util.stream.Collectors.joining("; "));
			}
		}
		return ex.getMessage();
	}

	private static Mono<Void> unauthorized(ServerWebExchange exchange, String detail) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rag-platform\"");
		return Problems.write(exchange, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail));
	}

}
