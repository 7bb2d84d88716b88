package dev.ragplatform.gateway.route;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. Scopes are cumulative: {@code write} includes {@code read}, {@code admin} includes both.
 */
public enum Scope {

	/** Searches, recommendations, predictions, embeddings, reranking, and every GET. */
	READ,

	/** Creating and deleting collections, documents, adapters; uploads and imports. */
	WRITE,

	/** Managing API keys ({@code /api/v1/admin/**}). */
	ADMIN;

	/** Whether a caller holding {@code granted} may do what needs this scope. */
	public boolean isGrantedBy(Collection<Scope> granted) {
		for (Scope scope : granted) {
			if (scope.ordinal() >= ordinal()) {
				return true;
			}
		}
		return false;
	}

	/** Its name on the wire: {@code read}, {@code write}, {@code admin}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Optional<Scope> fromWire(String name) {
		for (Scope scope : values()) {
			if (scope.wireName().equals(name)) {
				return Optional.of(scope);
			}
		}
		return Optional.empty();
	}

}
