package dev.ragplatform.gateway.ratelimit;

import dev.ragplatform.gateway.config.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * In-memory token buckets by default; Redis-backed ones when {@code spring.data.redis.host} is set (the Redis
 * connection itself is Spring Boot's, from {@code spring.data.redis.*}).
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

	static final String REDIS_HOST = "spring.data.redis.host";

	/** Replaces Spring Cloud Gateway's own default limiter; gets its Redis template and script from the context. */
	@Bean
	@ConditionalOnExpression("'${spring.data.redis.host:}' != ''")
	RedisRateLimiter apiRedisRateLimiter(GatewayProperties properties) {
		return new RedisRateLimiter(properties.rateLimit().replenishRate(), properties.rateLimit().burstCapacity(), 1);
	}

	@Bean
	TokenBuckets tokenBuckets(GatewayProperties properties, Environment environment,
			ObjectProvider<RedisRateLimiter> redis) {
		GatewayProperties.RateLimit limit = properties.rateLimit();
		String host = environment.getProperty(REDIS_HOST);
		TokenBuckets buckets = StringUtils.hasText(host)
				? new RedisTokenBuckets(redis.getObject(), limit.replenishRate(), limit.burstCapacity(),
						host + ":" + environment.getProperty("spring.data.redis.port", "6379"))
				: new InMemoryTokenBuckets(limit.replenishRate(), limit.burstCapacity(), System::nanoTime);
		log.info("rate limits per caller: {}/s, bursts of {}, {}", limit.replenishRate(), limit.burstCapacity(),
				buckets.describe());
		return buckets;
	}

}
