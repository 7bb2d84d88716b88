package dev.ragplatform.gateway.route;

import org.springframework.web.server.ServerWebExchange;

/** The {@link ApiRoute} of a request, matched once and kept in the exchange for every filter that asks. */
public final class RequestRoute {

	private static final String ATTRIBUTE = RequestRoute.class.getName();

	private static final Object NONE = new Object();

	private RequestRoute() {
	}

	/** The route, or null when no {@code /api/v1} route takes this method and path. */
	public static ApiRoute of(ServerWebExchange exchange) {
		Object cached = exchange.getAttribute(ATTRIBUTE);
		if (cached == null) {
			ApiRoute route = ApiRoute.match(exchange.getRequest().getMethod(),
					exchange.getRequest().getPath().pathWithinApplication());
			exchange.getAttributes().put(ATTRIBUTE, (route != null) ? route : NONE);
			return route;
		}
		return (cached == NONE) ? null : (ApiRoute) cached;
	}

}
