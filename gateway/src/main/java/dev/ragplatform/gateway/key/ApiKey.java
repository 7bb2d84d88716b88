package dev.ragplatform.gateway.key;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import dev.ragplatform.gateway.route.Scope;

/**
 * A stored API key, without its secret.
 *
 * @param id its id
 * @param name what it is for
 * @param prefix the key's first characters, to recognise it
 * @param scopes what it may do
 * @param collections the collections it may use, or null for every collection
 * @param createdAt when it was created
 * @param expiresAt when it stops working, or null for never
 * @param lastUsedAt when it was last used (to the minute), or null when never
 */
public record ApiKey(UUID id, String name, String prefix, Set<Scope> scopes, Set<String> collections,
		Instant createdAt, Instant expiresAt, Instant lastUsedAt) {

	public ApiKey {
		scopes = Set.copyOf(scopes);
		collections = (collections != null) ? Set.copyOf(collections) : null;
	}

	public boolean expired(Instant now) {
		return this.expiresAt != null && !now.isBefore(this.expiresAt);
	}

}
