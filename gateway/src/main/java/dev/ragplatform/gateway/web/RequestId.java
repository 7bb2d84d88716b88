package dev.ragplatform.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@code X-Request-Id}: the caller's when it is a sane token, else a new UUID; passed upstream, echoed in the
 * response and in every problem the gateway writes. A caller's W3C {@code traceparent} is continued (its trace id
 * and its sampled flag), and the route's own span goes upstream in its place.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestId implements WebFilter {

	public static final String HEADER = "X-Request-Id";

	private static final String ATTRIBUTE = RequestId.class.getName();

	// what a log line or a header can carry safely; anything else is replaced, not echoed
	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

	/** The request id of this exchange, or null before this filter ran. */
	public static String of(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

	static boolean isSane(String id) {
		return id != null && SANE.matcher(id).matches();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String given = exchange.getRequest().getHeaders().getFirst(HEADER);
		String id = isSane(given) ? given : UUID.randomUUID().toString();
		exchange.getAttributes().put(ATTRIBUTE, id);
		exchange.getResponse().getHeaders().set(HEADER, id);
		if (id.equals(given)) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest().mutate().headers((h) -> h.set(HEADER, id)).build();
		return chain.filter(exchange.mutate().request(request).build());
	}

}
