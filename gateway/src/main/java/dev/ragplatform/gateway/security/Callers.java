package dev.ragplatform.gateway.security;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/** The caller of an exchange, for filters after authentication. */
public final class Callers {

	private Callers() {
	}

	/** The authenticated caller, or an empty Optional (never an empty Mono, so callers can branch safely). */
	public static Mono<Optional<Caller>> of(ServerWebExchange exchange) {
		return exchange.getPrincipal()
			.filter(CallerAuthentication.class::isInstance)
			.map((p) -> Optional.of(((CallerAuthentication) p).getPrincipal()))
			.defaultIfEmpty(Optional.empty());
	}

}
