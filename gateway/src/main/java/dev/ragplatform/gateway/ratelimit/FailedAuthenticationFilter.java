package dev.ragplatform.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.key.KeyLookup;
import dev.ragplatform.gateway.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Limits failed authentications per client address, before authentication runs: every {@code /api} request that
 * presents a credential and is answered 401 takes a token from its address's bucket
 * ({@code rag.gateway.rate-limit.failed-auth-burst}, refilled at {@code failed-auth-per-second}). While the bucket is
 * empty, requests from that address get 429 without being authenticated, so a flood of made-up keys or forged
 * tokens costs neither database lookups nor signature checks; a request with a key this replica already knows to be
 * valid still goes through, so callers sharing the address with the flood keep working. Per replica, in memory.
 * <p>
 * The address is the connection's, or the client's as a proxy reports it when {@code server.forward-headers-strategy}
 * is set (behind an Ingress that overwrites {@code X-Forwarded-For}).
 */
@Component
@Order(-110) // before Spring Security's filter chain (-100)
class FailedAuthenticationFilter implements WebFilter {

	private final InMemoryTokenBuckets failures;

	private final Cache<String, Long> blockedUntil = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofMinutes(10))
		.maximumSize(100_000)
		.build();

	private final KeyLookup keys;

	FailedAuthenticationFilter(GatewayProperties properties, KeyLookup keys) {
		GatewayProperties.RateLimit limit = properties.rateLimit();
		this.failures = new InMemoryTokenBuckets(limit.failedAuthPerSecond(), limit.failedAuthBurst(), System::nanoTime);
		this.keys = keys;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
			return chain.filter(exchange);
		}
		String credential = credential(exchange.getRequest().getHeaders());
		if (credential == null) {
			return chain.filter(exchange); // answered 401 at once, for nothing: not worth counting
		}
		String address = address(exchange);
		Long until = this.blockedUntil.getIfPresent(address);
		long now = System.nanoTime();
		if (until != null && until - now > 0 && !this.keys.knownValid(credential)) {
			long seconds = Math.max(1, (until - now + 999_999_999L) / 1_000_000_000L);
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
			ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.RATE_LIMITED,
					"Too many requests", "too many failed authentications from this address; retry in " + seconds + " s");
			return Problems.write(exchange, problem);
		}
		return chain.filter(exchange).doOnSuccess((done) -> {
			if (exchange.getResponse().getStatusCode() == HttpStatus.UNAUTHORIZED) {
				TokenBuckets.Decision decision = this.failures.takeNow(address);
				if (!decision.allowed()) {
					this.blockedUntil.put(address, System.nanoTime() + decision.retryAfterSeconds() * 1_000_000_000L);
				}
			}
		});
	}

	private static String credential(HttpHeaders headers) {
		String apiKey = headers.getFirst("X-API-Key");
		if (apiKey != null) {
			return apiKey.strip();
		}
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || authorization.length() < 8) {
			return null;
		}
		return authorization.substring(7).strip();
	}

	private static String address(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		return (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

}
