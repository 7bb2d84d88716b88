package dev.ragplatform.runtime.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Another service of the platform, called over HTTP the one way every remote call goes: a connect timeout and a
 * read timeout, a circuit breaker (failures are I/O errors and 5xx answers; a 4xx is the caller's mistake and
 * counts as a success), and, for calls that are safe to repeat, retries with back-off on I/O errors and 502/503/504.
 * An open circuit is thrown as a {@link ResourceAccessException}, so callers handle it as any unreachable service.
 * The breaker's state is on {@code resilience4j_circuitbreaker_state{name=<service>}}.
 */
public final class ServiceClient {

	private final String name;

	private final RestClient http;

	private final CircuitBreaker breaker;

	private final Retry retry;

	private final Duration openFor;

	private ServiceClient(String name, RestClient http, CircuitBreaker breaker, Retry retry, Duration openFor) {
		this.name = name;
		this.http = http;
		this.breaker = breaker;
		this.retry = retry;
		this.openFor = openFor;
	}

	/**
	 * @param builder the application's builder (its message converters and observations)
	 * @param name the service's name ({@code retrieval-service}), for metrics and messages
	 * @param url its base URL
	 * @param timeout how long an answer may take
	 * @param policy the breaker's and the retries' settings
	 * @param meters where the breaker's metrics go (null for none)
	 */
	public static ServiceClient create(RestClient.Builder builder, String name, URI url, Duration timeout, Policy policy,
			MeterRegistry meters) {
		HttpClient jdk = HttpClient.newBuilder().connectTimeout(policy.connectTimeout()).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(jdk);
		requestFactory.setReadTimeout(timeout);
		RestClient http = builder.baseUrl(url.toString()).requestFactory(requestFactory).build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(policy.failureRateThreshold())
			.slidingWindowSize(policy.slidingWindow())
			.minimumNumberOfCalls(policy.minimumCalls())
			.waitDurationInOpenState(policy.openFor())
			.permittedNumberOfCallsInHalfOpenState(2)
			.recordException(ServiceClient::isServiceFailure)
			.build());
		CircuitBreaker breaker = registry.circuitBreaker(name);
		if (meters != null) {
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		}
		Retry retry = Retry.of(name, RetryConfig.custom()
			.maxAttempts(policy.attempts())
			.intervalFunction(IntervalFunction.ofExponentialBackoff(policy.firstBackoff(), 2.0))
			.retryOnException(ServiceClient::isWorthRetrying)
			.build());
		return new ServiceClient(name, http, breaker, retry, policy.openFor());
	}

	/** A call that must not be repeated (it changes something): breaker only. */
	public <T> T call(Function<RestClient, T> call) {
		return guarded(() -> this.breaker.executeSupplier(() -> call.apply(this.http)));
	}

	/** A call that is safe to repeat (reads, or writes the service makes idempotent): breaker and retries. */
	public <T> T idempotent(Function<RestClient, T> call) {
		return guarded(
				Retry.decorateSupplier(this.retry, () -> this.breaker.executeSupplier(() -> call.apply(this.http))));
	}

	/** The breaker's state, for health and tests. */
	public CircuitBreaker.State state() {
		return this.breaker.getState();
	}

	/** Closes the breaker (tests that break a service on purpose and must not leave it open for the next). */
	public void reset() {
		this.breaker.reset();
	}

	private <T> T guarded(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (CallNotPermittedException ex) {
			throw new CircuitOpenException(this.name + " is failing and its circuit breaker is open; retry in "
					+ Math.max(1, this.openFor.toSeconds()) + " s");
		}
	}

	/** A call refused at once because the service's circuit breaker is open: an I/O failure that never went out. */
	public static final class CircuitOpenException extends ResourceAccessException {

		CircuitOpenException(String message) {
			super(message);
		}

	}

	static boolean isServiceFailure(Throwable ex) {
		return ex instanceof ResourceAccessException || ex instanceof HttpServerErrorException;
	}

	static boolean isWorthRetrying(Throwable ex) {
		if (ex instanceof ResourceAccessException) {
			return true;
		}
		if (ex instanceof HttpServerErrorException server) {
			int status = server.getStatusCode().value();
			return status == 502 || status == 503 || status == 504;
		}
		return false;
	}

	/**
	 * How a service client behaves under failure.
	 *
	 * @param connectTimeout how long a connection may take
	 * @param failureRateThreshold percentage of failed calls that opens the breaker
	 * @param slidingWindow calls the rate is computed over
	 * @param minimumCalls calls before the rate counts
	 * @param openFor how long the breaker stays open before trying again
	 * @param attempts attempts of an idempotent call, the first included
	 * @param firstBackoff wait before the second attempt (doubling after)
	 */
	public record Policy(Duration connectTimeout, int failureRateThreshold, int slidingWindow, int minimumCalls,
			Duration openFor, int attempts, Duration firstBackoff) {

		/** 2 s to connect; open at 50 % of the last 20 calls (10 at least) for 10 s; 3 attempts from 200 ms. */
		public static Policy defaults() {
			return new Policy(Duration.ofSeconds(2), 50, 20, 10, Duration.ofSeconds(10), 3, Duration.ofMillis(200));
		}

	}

}
