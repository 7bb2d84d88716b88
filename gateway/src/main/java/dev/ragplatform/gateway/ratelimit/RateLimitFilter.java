package dev.ragplatform.gateway.ratelimit;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.gateway.route.RequestRoute;
import dev.ragplatform.gateway.security.Callers;
import dev.ragplatform.gateway.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Rate limits per caller (API key or JWT subject) on every authenticated {@code /api} request, after
 * authentication and before any body is read: 429 problem with {@code Retry-After}. A request takes its route's cost
 * in tokens ({@code rag.gateway.rate-limit.costs}), so one citation request, which runs many searches and LLM calls,
 * counts for what it costs.
 */
@Component
@Order(-90)
class RateLimitFilter implements WebFilter {

	private final TokenBuckets buckets;

	private final GatewayProperties.RateLimit limit;

	RateLimitFilter(TokenBuckets buckets, GatewayProperties properties) {
		this.buckets = buckets;
		this.limit = properties.rateLimit();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
			return chain.filter(exchange);
		}
		return Callers.of(exchange).flatMap((caller) -> {
			if (caller.isEmpty()) {
				return chain.filter(exchange);
			}
			ApiRoute route = RequestRoute.of(exchange);
			int cost = (route != null) ? this.limit.cost(route.id()) : 1;
			return this.buckets.take(caller.get().id(), cost).flatMap((decision) -> {
				if (decision.allowed()) {
					return chain.filter(exchange);
				}
				String seconds = String.valueOf(decision.retryAfterSeconds());
				exchange.getResponse().getHeaders().set("Retry-After", seconds);
				String costs = (cost > 1) ? " (this endpoint costs " + cost + " of the " + this.limit.burstCapacity()
						+ " requests a key may burst, refilled at " + this.limit.replenishRate() + "/s)" : "";
				ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.RATE_LIMITED,
						"Too many requests", "rate limit of " + caller.get().name() + " reached" + costs + "; retry in "
								+ seconds + " s");
				return Problems.write(exchange, problem);
			});
		});
	}

}
