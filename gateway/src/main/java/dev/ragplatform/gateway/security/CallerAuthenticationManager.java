package dev.ragplatform.gateway.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.key.ApiKey;
import dev.ragplatform.gateway.key.KeyLookup;
import dev.ragplatform.gateway.route.Scope;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.stereotype.Component;

/**
 * Turns a credential into a {@link Caller}: API keys through {@link KeyLookup}; JWTs, when
 * {@code rag.gateway.jwt.issuer-uri} is set, through the issuer's keys (signature, expiry, issuer and audience
 * checked), with scopes from {@code scope}/{@code scp} and collections from the configured claim, which every token
 * must carry.
 */
@Component
class CallerAuthenticationManager implements ReactiveAuthenticationManager {

	private final KeyLookup keys;

	private final JwtReactiveAuthenticationManager jwts;

	private final String collectionsClaim;

	CallerAuthenticationManager(KeyLookup keys, GatewayProperties properties) {
		this.keys = keys;
		this.collectionsClaim = properties.jwt().collectionsClaim();
		if (properties.jwt().enabled()) {
			String issuer = properties.jwt().issuerUri();
			String audience = properties.jwt().audience();
			OAuth2TokenValidator<Jwt> collectionsGiven = (jwt) -> jwt.hasClaim(this.collectionsClaim)
					? OAuth2TokenValidatorResult.success()
					: OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "the token has no "
							+ this.collectionsClaim + " claim (the collections it may use; [\"*\"] for all)", null));
			// the issuer's discovery document is read on the first JWT, not at start-up
			this.jwts = new JwtReactiveAuthenticationManager(new SupplierReactiveJwtDecoder(() -> {
				NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withIssuerLocation(issuer).build();
				decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtIssuerValidator(issuer),
						new JwtAudienceValidator(audience), collectionsGiven));
				return decoder;
			}));
			this.jwts.setJwtAuthenticationConverter((jwt) -> Mono.just(new CallerAuthentication(callerOf(jwt))));
		}
		else {
			this.jwts = null;
		}
	}

	@Override
	public Mono<Authentication> authenticate(Authentication credential) {
		if (credential instanceof Credentials.ApiKeyCredential key) {
			return this.keys.find(key.key())
				.<Authentication>map((found) -> new CallerAuthentication(callerOf(found)))
				.switchIfEmpty(Mono.error(() -> new BadCredentialsException(key.key().isEmpty()
						? "use Authorization: Bearer rag_… or X-API-Key: rag_…" : "unknown, deleted or expired API key")));
		}
		if (credential instanceof BearerTokenAuthenticationToken) {
			if (this.jwts == null) {
				return Mono.error(new BadCredentialsException(
						"this gateway takes API keys (rag_…); JWTs are off (rag.gateway.jwt.issuer-uri)"));
			}
			return this.jwts.authenticate(credential);
		}
		return Mono.empty();
	}

	private static Caller callerOf(ApiKey key) {
		return new Caller("key:" + key.id(), key.name() + " (" + key.prefix() + "…)", key.scopes(), key.collections());
	}

	private Caller callerOf(Jwt jwt) {
		Set<Scope> scopes = EnumSet.noneOf(Scope.class);
		for (String claim : List.of("scope", "scp")) {
			for (String name : strings(jwt.getClaims().get(claim), true)) {
				Scope.fromWire(name).ifPresent(scopes::add);
			}
		}
		List<String> collections = strings(jwt.getClaims().get(this.collectionsClaim), false);
		return new Caller("jwt:" + jwt.getSubject(), "jwt " + jwt.getSubject(), scopes,
				collections.contains("*") ? null : new LinkedHashSet<>(collections));
	}

	private static List<String> strings(Object claim, boolean spaceSeparated) {
		if (claim instanceof String text) {
			return spaceSeparated ? List.of(text.trim().split("\\s+")) : List.of(text);
		}
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).toList();
		}
		return List.of();
	}

}
