package dev.ragplatform.ingest.collection;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.web.DependencyUnavailableException;
import dev.ragplatform.runtime.http.ServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Reads collection settings from retrieval-service, which owns collections. Answers are cached for
 * {@code rag.ingest.retrieval.cache-for}, so a burst of documents costs one call per collection.
 */
@Component
public class CollectionClient {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(CollectionClient.class);

	/** retrieval-service's name rule, checked here too so no odd name reaches a URL. */
	private static final Pattern NAME = dev.ragplatform.contracts.collection.CollectionNames.PATTERN;

	private final ServiceClient retrieval;

	private final Duration cacheFor;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	CollectionClient(RestClient.Builder builder, IngestProperties properties, MeterRegistry meters) {
		this.retrieval = ServiceClient.create(builder, "retrieval-service", properties.retrieval().url(),
				properties.retrieval().timeout(), ServiceClient.Policy.defaults(), meters);
		this.cacheFor = properties.retrieval().cacheFor();
	}

	/** The collection's settings, or empty when it does not exist; {@link DependencyUnavailableException} if unknown. */
	public Optional<CollectionSettings> find(String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			return Optional.empty();
		}
		long now = System.nanoTime();
		Cached cached = this.cache.get(name);
		if (cached != null && now - cached.at() < this.cacheFor.toNanos()) {
			return cached.settings();
		}
		Optional<CollectionSettings> settings = fetch(name);
		if (settings.isPresent()) { // an unknown one is asked for again: it may be created any moment
			this.cache.put(name, new Cached(settings, now));
		}
		return settings;
	}

	/** Forgets what it knows of the collection (it was deleted): the next question goes to retrieval-service. */
	public void evict(String name) {
		this.cache.remove(name);
	}

	private Optional<CollectionSettings> fetch(String name) {
		JsonNode body;
		try {
			body = this.retrieval
				.idempotent((http) -> http.get().uri("/v1/collections/{name}", name).retrieve().body(JsonNode.class));
		}
		catch (HttpClientErrorException.NotFound ex) {
			return Optional.empty();
		}
		catch (RestClientException ex) {
			// the peer's own message (its hosts, its body) is logged, not handed to our caller
			logger.warn("retrieval-service cannot tell the settings of collection '{}': {}", name, ex.toString());
			throw new DependencyUnavailableException("retrieval-service cannot tell the settings of collection '"
					+ name + "'; try again later", ex);
		}
		if (body == null || !body.hasNonNull("embeddingModel")) {
			throw new DependencyUnavailableException("retrieval-service answered no settings for '" + name + "'", null);
		}
		JsonNode chunking = body.path("chunking");
		String tokenStorage = body.path("lateInteraction").path("storage").asString("none");
		return Optional.of(new CollectionSettings(name, body.get("embeddingModel").asString(),
				body.path("dimensions").asInt(), body.path("defaultTask").asString("none"),
				chunking.path("targetTokens").asInt(480), chunking.path("overlapTokens").asInt(64),
				body.path("generation").asLong(0), "none".equals(tokenStorage) ? null : tokenStorage));
	}

	private record Cached(Optional<CollectionSettings> settings, long at) {
	}

}
