package dev.ragplatform.gateway.route;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.gateway.web.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * A service's circuit breaker around the call, with an honest fallback: 503 when the service cannot be reached or
 * its circuit is open (with {@code Retry-After}), 504 when it did not answer within the route's timeout. Both are
 * problems of type {@code dependency-unavailable}. Answers of the service itself, errors included, pass unchanged.
 */
final class UpstreamGuard implements GatewayFilter {

	private static final Logger log = LoggerFactory.getLogger(UpstreamGuard.class);

	private final Service service;

	private final ReactiveCircuitBreaker breaker;

	private final Duration openFor;

	UpstreamGuard(Service service, ReactiveCircuitBreaker breaker, Duration openFor) {
		this.service = service;
		this.breaker = breaker;
		this.openFor = openFor;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return this.breaker.run(chain.filter(exchange), (failure) -> fallback(exchange, failure));
	}

	private Mono<Void> fallback(ServerWebExchange exchange, Throwable failure) {
		if (exchange.getResponse().isCommitted()
				|| (failure instanceof ErrorResponse error && error.getStatusCode().is4xxClientError())) {
			return Mono.error(failure);
		}
		String name = this.service.id();
		ProblemDetail problem;
		if (failure instanceof CallNotPermittedException) {
			long seconds = Math.max(1, this.openFor.toSeconds());
			problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.DEPENDENCY_UNAVAILABLE,
					"Dependency unavailable", name + " is failing and its circuit breaker is open; retry in " + seconds + " s");
			exchange.getResponse().getHeaders().set("Retry-After", String.valueOf(seconds));
		}
		else if (isTimeout(failure)) {
			problem = Problems.of(HttpStatus.GATEWAY_TIMEOUT, ProblemTypes.DEPENDENCY_UNAVAILABLE, "Dependency timed out",
					name + " did not answer in time");
		}
		else {
			log.warn("{} unreachable for {} {}: {}", name, exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), failure.toString());
			problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.DEPENDENCY_UNAVAILABLE,
					"Dependency unavailable", name + " is unreachable" + cause(failure));
			exchange.getResponse().getHeaders().set("Retry-After", "1");
		}
		problem.setProperty("service", name);
		return Problems.write(exchange, problem);
	}

	private static boolean isTimeout(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof TimeoutException || (t instanceof ResponseStatusException status
					&& status.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value())) {
				return true;
			}
		}
		return false;
	}

	private static String cause(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ConnectException) {
				return " (connection refused)";
			}
		}
		return "";
	}

}
