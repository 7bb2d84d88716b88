package dev.ragplatform.gateway.security;

import java.util.stream.Collectors;

import dev.ragplatform.gateway.route.Scope;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services what the caller may do: every forwarded request carries the gateway's own
 * {@code X-Rag-Caller-Scopes} ({@code read,write,admin}), and a caller's copy of that header is dropped.
 * retrieval-service keeps its costliest option (an exact scan of a large collection) for admin callers.
 */
@Component
class CallerScopesHeader implements GlobalFilter, Ordered {

	static final String HEADER = "X-Rag-Caller-Scopes";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return Callers.of(exchange).flatMap((caller) -> chain.filter(exchange.mutate()
			.request((request) -> request.headers((headers) -> {
				headers.remove(HEADER);
				caller.ifPresent((c) -> headers.set(HEADER,
						c.scopes().stream().map(Scope::wireName).sorted().collect(Collectors.joining(","))));
			}))
			.build()));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
