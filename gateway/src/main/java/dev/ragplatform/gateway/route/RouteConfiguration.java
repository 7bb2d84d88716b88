package dev.ragplatform.gateway.route;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.config.GatewayProperties.Upstream;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

/**
 * One Spring Cloud Gateway route per {@link ApiRoute}: path rewriting, the route's response timeout, the service's
 * circuit breaker with its problem fallback, retries for GETs, and no credentials passed upstream.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

	/** Header carrying API keys besides {@code Authorization: Bearer}. */
	static final String API_KEY_HEADER = "X-API-Key";

	@Bean
	RouteLocator apiRoutes(RouteLocatorBuilder builder, GatewayProperties properties,
			ReactiveResilience4JCircuitBreakerFactory breakers) {
		Map<Service, UpstreamGuard> guards = new EnumMap<>(Service.class);
		for (Service service : Service.values()) {
			guards.put(service, new UpstreamGuard(service, breakers.create(service.id()),
					properties.circuitBreaker().openFor()));
		}
		RouteLocatorBuilder.Builder routes = builder.routes();
		for (ApiRoute route : ApiRoute.values()) {
			Upstream upstream = route.service().upstream(properties);
			Duration timeout = upstream.timeout();
			if (route.upload() && properties.limits().uploadTimeout().compareTo(timeout) > 0) {
				timeout = properties.limits().uploadTimeout();
			}
			long responseTimeout = timeout.toMillis();
			routes.route(route.id(), (r) -> r.order(route.ordinal())
				.method(route.methods().toArray(HttpMethod[]::new))
				.and()
				.path(route.path())
				.filters((f) -> {
					f.filter(guards.get(route.service()));
					if (route.upstreamPath() != null) {
						f.setPath(route.upstreamPath());
					}
					else {
						f.stripPrefix(1);
					}
					// the services trust their network, not callers: credentials end here
					f.removeRequestHeader(HttpHeaders.AUTHORIZATION).removeRequestHeader(API_KEY_HEADER);
					if (route.methods().contains(HttpMethod.GET) && properties.retry().attempts() > 0) {
						f.retry((retry) -> retry.setRetries(properties.retry().attempts())
							.setMethods(HttpMethod.GET)
							.setSeries()
							.setStatuses(HttpStatus.BAD_GATEWAY, HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.GATEWAY_TIMEOUT)
							.setExceptions(java.io.IOException.class)
							.setBackoff(properties.retry().firstBackoff(), properties.retry().firstBackoff().multipliedBy(8), 2,
									true));
					}
					return f;
				})
				.metadata(RESPONSE_TIMEOUT_ATTR, responseTimeout)
				.metadata(CONNECT_TIMEOUT_ATTR, (int) properties.connectTimeout().toMillis())
				.uri(upstream.url()));
		}
		return routes.build();
	}

	/**
	 * Circuit breakers per service. Timeouts come from each route's response timeout (Netty), so Resilience4j's
	 * time limiter is off ({@code spring.cloud.circuitbreaker.resilience4j.disable-time-limiter}); the caller's own
	 * mistakes (4xx raised by the gateway) are not failures of the service.
	 */
	@Bean
	Customizer<ReactiveResilience4JCircuitBreakerFactory> circuitBreakerDefaults(GatewayProperties properties) {
		GatewayProperties.CircuitBreaker settings = properties.circuitBreaker();
		return (factory) -> factory.configureDefault((id) -> new Resilience4JConfigBuilder(id)
			.circuitBreakerConfig(CircuitBreakerConfig.custom()
				.failureRateThreshold(settings.failureRateThreshold())
				.slidingWindowSize(settings.slidingWindow())
				.minimumNumberOfCalls(settings.minimumCalls())
				.waitDurationInOpenState(settings.openFor())
				.recordException((ex) -> !(ex instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()))
				.build())
			.timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(Duration.ofHours(1)).build())
			.build());
	}

}
