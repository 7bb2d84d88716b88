package dev.ragplatform.gateway.security;

import java.util.Set;

import dev.ragplatform.gateway.route.Scope;

/**
 * Who is calling: an API key or a JWT subject.
 *
 * @param id stable id, the rate-limit bucket ({@code key:<uuid>} or {@code jwt:<subject>})
 * @param name for logs and problems
 * @param scopes what it may do
 * @param collections the collections it may use, or null for every collection
 */
public record Caller(String id, String name, Set<Scope> scopes, Set<String> collections) {

	public Caller {
		scopes = Set.copyOf(scopes);
		collections = (collections != null) ? Set.copyOf(collections) : null;
	}

	public boolean may(Scope scope) {
		return scope.isGrantedBy(this.scopes);
	}

	/** Whether it is limited to some collections. */
	public boolean restricted() {
		return this.collections != null;
	}

	public boolean allows(String collection) {
		return this.collections == null || (collection != null && this.collections.contains(collection));
	}

	String describeCollections() {
		return (this.collections == null) ? "every collection" : this.collections.stream().sorted().toList().toString();
	}

}
