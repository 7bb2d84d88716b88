package dev.ragplatform.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the gateway can be told ({@code rag.gateway.*}); defaults in {@code application.yaml}.
 *
 * @param services where each upstream service answers, and how long it may take
 * @param connectTimeout connecting to an upstream
 * @param bootstrapKey an admin key ({@code rag_…}, at least 32 characters after the prefix) that is made to exist at
 * start-up; blank: one is generated and logged once when no admin key exists
 * @param limits request sizes
 * @param retry retries of idempotent GETs
 * @param circuitBreaker one breaker per upstream service
 * @param rateLimit token bucket per caller (API key or JWT subject)
 * @param keys API key lookups
 * @param jwt the optional OAuth2 resource server
 * @param reportsDir where {@code ./rag eval} and {@code ./rag bench} write their reports, served read-only to the admin
 * console ({@code /api/v1/admin/reports}); a directory that does not exist means none are available
 * @param traceUrl a tracing UI's page of one trace, {@code {traceId}} standing for its id
 * ({@code http://127.0.0.1:9411/zipkin/traces/{traceId}}, as {@code ./rag up --tracing} sets): the console links a
 * document's trace id there; blank: the id is shown without a link
 */
@Validated
@ConfigurationProperties("rag.gateway")
public record GatewayProperties(@Valid @NotNull Services services, @NotNull Duration connectTimeout, String bootstrapKey,
		@Valid @NotNull Limits limits, @Valid @NotNull Retry retry, @Valid @NotNull CircuitBreaker circuitBreaker,
		@Valid @NotNull RateLimit rateLimit, @Valid @NotNull Keys keys, @Valid @NotNull Jwt jwt,
		@NotNull Path reportsDir, String traceUrl) {

	/**
	 * The upstream services ({@code rag.gateway.services.<name>.url}); on Kubernetes, Service names.
	 *
	 * @param ingest ingest-service
	 * @param embedding embedding-service
	 * @param retrieval retrieval-service
	 * @param rerank rerank-service
	 * @param llmAdapter llm-adapter
	 */
	public record Services(@Valid @NotNull Upstream ingest, @Valid @NotNull Upstream embedding,
			@Valid @NotNull Upstream retrieval, @Valid @NotNull Upstream rerank, @Valid @NotNull Upstream llmAdapter) {
	}

	/**
	 * One upstream service.
	 *
	 * @param url its base URL
	 * @param timeout how long a response may take to start (per route; uploads get {@link Limits#uploadTimeout()}
	 * when that is longer); past it the caller gets a 504 problem
	 */
	public record Upstream(@NotNull URI url, @NotNull Duration timeout) {
	}

	/**
	 * Request sizes, checked before anything is sent upstream (413 problem).
	 *
	 * @param maxBody JSON and other bodies
	 * @param maxUpload document, label-file and example uploads (ingest-service takes documents up to 32 MB)
	 * @param uploadTimeout response timeout of the upload routes
	 */
	public record Limits(@NotNull DataSize maxBody, @NotNull DataSize maxUpload, @NotNull Duration uploadTimeout) {
	}

	/**
	 * Retries of GET requests only (never of POST or DELETE), on connection failures and 502/503/504.
	 *
	 * @param attempts retries after the first try (0: none)
	 * @param firstBackoff wait before the first retry, doubled for each next one
	 */
	public record Retry(@Min(0) @Max(5) int attempts, @NotNull Duration firstBackoff) {
	}

	/**
	 * Resilience4j circuit breaker per upstream service. Connection failures and timeouts count as failures; answers
	 * of the service, errors included, do not.
	 *
	 * @param failureRateThreshold percentage of failed calls that opens the circuit
	 * @param slidingWindow calls the rate is computed over
	 * @param minimumCalls calls before the rate counts
	 * @param openFor how long the circuit stays open (503 with Retry-After) before letting calls probe again
	 */
	public record CircuitBreaker(@Min(1) @Max(100) int failureRateThreshold, @Min(1) int slidingWindow,
			@Min(1) int minimumCalls, @NotNull Duration openFor) {
	}

	/**
	 * Token bucket per caller over all routes: in memory per gateway replica, or shared in Redis when
	 * {@code spring.data.redis.host} is set (Spring Cloud Gateway's RedisRateLimiter).
	 *
	 * @param replenishRate tokens added per second (the sustained request rate)
	 * @param burstCapacity the bucket's size (the burst allowed after a quiet period)
	 * @param failedAuthPerSecond failed authentications per second a client address may sustain (per replica)
	 * @param failedAuthBurst failed authentications an address may have in a row before its requests get 429
	 * @param costs tokens a request of a route takes, by route id (e.g. {@code citations}); others take one. For the
	 * fan-out endpoints, whose one request runs many searches and LLM calls; at most {@code burstCapacity}
	 */
	public record RateLimit(@Min(1) int replenishRate, @Min(1) long burstCapacity,
			@jakarta.validation.constraints.Positive double failedAuthPerSecond, @Min(1) long failedAuthBurst,
			java.util.Map<String, Integer> costs) {

		/** Tokens one request of the route takes. */
		public int cost(String routeId) {
			Integer cost = (this.costs != null) ? this.costs.get(routeId) : null;
			return (cost == null || cost < 1) ? 1 : (int) Math.min(cost, this.burstCapacity);
		}

	}

	/**
	 * API key lookups.
	 *
	 * @param cacheFor how long a lookup (found or not) is reused; a key deleted through another replica still works
	 * there for at most this long
	 * @param cacheSize most lookups kept
	 */
	public record Keys(@NotNull Duration cacheFor, @Min(1) long cacheSize) {
	}

	/**
	 * OAuth2 JWT resource server, for organisations with an identity provider; off while {@code issuerUri} is blank.
	 * Scopes come from the token's {@code scope}/{@code scp} claim ({@code read}, {@code write}, {@code admin}).
	 *
	 * @param issuerUri the OpenID Connect issuer (its discovery document names the keys); blank: JWTs are refused
	 * @param collectionsClaim claim with the collections the caller may use, required: {@code ["*"]} for every
	 * collection (a token without it is refused, so a token minted for another purpose grants nothing here)
	 * @param audience what the token's {@code aud} must contain: tokens the same issuer minted for other services
	 * are refused
	 */
	public record Jwt(String issuerUri, @NotBlank String collectionsClaim, @NotBlank String audience) {

		public boolean enabled() {
			return this.issuerUri != null && !this.issuerUri.isBlank();
		}

	}

}
