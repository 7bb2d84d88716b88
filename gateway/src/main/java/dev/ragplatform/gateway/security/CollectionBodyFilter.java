package dev.ragplatform.gateway.security;

import java.util.List;
import java.util.Optional;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.gateway.route.RequestRoute;
import dev.ragplatform.gateway.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The collection allow-list for routes that name their collection in a JSON body (search, search/vector,
 * citations, API recommendation, collection creation). Only for callers limited to some collections: their body is
 * read into memory (at most {@code rag.gateway.limits.max-body}), checked by {@link CollectionFields}, and the very
 * same bytes are sent upstream. Everyone else's body streams through untouched.
 */
@Component
@Order(-80)
class CollectionBodyFilter implements WebFilter {

	private final int maxBody;

	CollectionBodyFilter(GatewayProperties properties) {
		this.maxBody = (int) Math.min(Integer.MAX_VALUE, properties.limits().maxBody().toBytes());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ApiRoute route = exchange.getRequest().getPath().value().startsWith("/api/") ? RequestRoute.of(exchange) : null;
		if (route == null || route.collections().kind() != ApiRoute.Collections.Kind.BODY) {
			return chain.filter(exchange);
		}
		return Callers.of(exchange).flatMap((caller) -> (caller.isPresent() && caller.get().restricted())
				? check(exchange, chain, route, caller.get()) : chain.filter(exchange));
	}

	private Mono<Void> check(ServerWebExchange exchange, WebFilterChain chain, ApiRoute route, Caller caller) {
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		if (type == null || !(type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json"))) {
			return Problems.write(exchange, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					ProblemTypes.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
					"this key is limited to some collections, so the gateway reads the collection from the body: "
							+ "send application/json"));
		}
		return DataBufferUtils.join(exchange.getRequest().getBody(), this.maxBody)
			.map((buffer) -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				return Optional.of(bytes);
			})
			.defaultIfEmpty(Optional.empty())
			.flatMap((bytes) -> {
				byte[] body = bytes.orElse(new byte[0]);
				List<String> named;
				try {
					named = CollectionFields.read(body, route.collections().fields());
				}
				catch (IllegalArgumentException ex) {
					return Problems.write(exchange, Problems.of(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST,
							"Invalid request", ex.getMessage()));
				}
				for (String collection : named) {
					if (!caller.allows(collection)) {
						return Problems.write(exchange, Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden",
								"this key may not use collection '" + collection + "' (it may use "
										+ caller.describeCollections() + ")"));
					}
				}
				ServerHttpRequest replay = new ServerHttpRequestDecorator(exchange.getRequest()) {
					@Override
					public Flux<DataBuffer> getBody() {
						return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
					}
				};
				return chain.filter(exchange.mutate().request(replay).build());
			})
			.onErrorResume(DataBufferLimitException.class, (ex) -> Problems.write(exchange,
					Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Payload too large",
							"the request body is larger than this route takes (" + this.maxBody + " bytes)")));
	}

}
