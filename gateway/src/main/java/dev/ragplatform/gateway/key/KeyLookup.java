package dev.ragplatform.gateway.key;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ragplatform.gateway.config.GatewayProperties;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Finds the stored key for a presented one, by its SHA-256. Lookups (found or not) are cached for
 * {@code rag.gateway.keys.cache-for}, so a request pays a database round trip at most once per key and period; the
 * query runs on a virtual thread, never on the event loop.
 */
@Component
public class KeyLookup {

	private final AsyncLoadingCache<String, Optional<ApiKey>> cache;

	private final ApiKeyRepository repository;

	private final Executor executor;

	/** When this replica last recorded each key's use: a key in steady use costs one UPDATE a minute. */
	private final com.github.benmanes.caffeine.cache.Cache<java.util.UUID, Boolean> recentlyRecorded = Caffeine
		.newBuilder()
		.expireAfterWrite(java.time.Duration.ofMinutes(1))
		.maximumSize(100_000)
		.build();

	KeyLookup(ApiKeyRepository repository, GatewayProperties properties) {
		Executor executor = Executors.newVirtualThreadPerTaskExecutor();
		this.repository = repository;
		this.executor = executor;
		this.cache = Caffeine.newBuilder()
			.expireAfterWrite(properties.keys().cacheFor())
			.maximumSize(properties.keys().cacheSize())
			.executor(executor)
			.buildAsync((String hash) -> repository.findByHash(HexFormat.of().parseHex(hash)));
	}

	/** The key, or empty when it is malformed, unknown, deleted or expired; its use is recorded. */
	public Mono<ApiKey> find(String presented) {
		if (!KeySecrets.isWellFormed(presented)) {
			return Mono.empty();
		}
		String hash = HexFormat.of().formatHex(KeySecrets.hash(presented));
		return Mono.fromFuture(this.cache.get(hash))
			.flatMap(Mono::justOrEmpty)
			.filter((key) -> !key.expired(java.time.Instant.now()))
			.doOnNext(this::recordUse);
	}

	/**
	 * Whether this replica has the presented key cached as valid (no lookup is made): lets a caller with a good key
	 * through while its address is blocked for failed authentications.
	 */
	public boolean knownValid(String presented) {
		if (!KeySecrets.isWellFormed(presented)) {
			return false;
		}
		java.util.concurrent.CompletableFuture<Optional<ApiKey>> cached = this.cache
			.getIfPresent(HexFormat.of().formatHex(KeySecrets.hash(presented)));
		return cached != null && cached.isDone() && !cached.isCompletedExceptionally()
				&& cached.join().filter((key) -> !key.expired(java.time.Instant.now())).isPresent();
	}

	private void recordUse(ApiKey key) {
		if (this.recentlyRecorded.asMap().putIfAbsent(key.id(), Boolean.TRUE) == null) {
			this.executor.execute(() -> {
				try {
					this.repository.used(key.id());
				}
				catch (RuntimeException ex) { // a lost "last used" must not fail the request
					this.recentlyRecorded.invalidate(key.id());
				}
			});
		}
	}

	/** Forgets every cached lookup (after a deletion through this replica). */
	void forgetAll() {
		this.cache.synchronous().invalidateAll();
	}

}
