package dev.ragplatform.gateway.security;

import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.gateway.route.RequestRoute;
import dev.ragplatform.gateway.route.Scope;
import reactor.core.publisher.Mono;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who may call what under {@code /api}: {@code /api/v1/admin/**} needs {@code admin}; a route of the table needs its
 * scope, and a caller limited to some collections may only name those in the path. Collections named in JSON bodies
 * are checked later, by {@link CollectionBodyFilter}, which can read the body. Why a request was refused is kept in
 * the exchange for the 403 problem.
 */
final class AccessRules implements ReactiveAuthorizationManager<AuthorizationContext> {

	static final String REASON = AccessRules.class.getName() + ".reason";

	private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

	private static final AuthorizationDecision DENIED = new AuthorizationDecision(false);

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
		ServerWebExchange exchange = context.getExchange();
		return authentication.filter(CallerAuthentication.class::isInstance)
			.map((a) -> (AuthorizationResult) decide(((CallerAuthentication) a).getPrincipal(), exchange))
			.defaultIfEmpty(DENIED);
	}

	AuthorizationDecision decide(Caller caller, ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		String request = exchange.getRequest().getMethod() + " " + path;
		if (path.equals("/api/v1/admin") || path.startsWith("/api/v1/admin/")) {
			return caller.may(Scope.ADMIN) ? GRANTED : deny(exchange, missingScope(caller, Scope.ADMIN, request));
		}
		ApiRoute route = RequestRoute.of(exchange);
		if (route == null) {
			return GRANTED; // no such route: 404 follows
		}
		if (!caller.may(route.scope())) {
			return deny(exchange, missingScope(caller, route.scope(), request));
		}
		if (!caller.restricted()) {
			return GRANTED;
		}
		return switch (route.collections().kind()) {
			case NONE, BODY -> GRANTED;
			case PATH -> {
				String collection = route.pathCollection(exchange.getRequest().getPath().pathWithinApplication());
				yield caller.allows(collection) ? GRANTED
						: deny(exchange, "this key may not use collection '" + collection + "' (it may use "
								+ caller.describeCollections() + ")");
			}
			case ALL -> deny(exchange, "this key is limited to " + caller.describeCollections()
					+ "; listing every collection needs a key without a collection list");
			case MULTIPART -> deny(exchange, "this key is limited to " + caller.describeCollections()
					+ "; the gateway does not read the collection of a multipart import, so imports need a key "
					+ "without a collection list");
		};
	}

	private static String missingScope(Caller caller, Scope needed, String request) {
		return request + " needs the " + needed.wireName() + " scope; this key has "
				+ caller.scopes().stream().sorted().map(Scope::wireName).toList();
	}

	private static AuthorizationDecision deny(ServerWebExchange exchange, String reason) {
		exchange.getAttributes().put(REASON, reason);
		return DENIED;
	}

}
