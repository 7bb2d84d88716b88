package dev.ragplatform.gateway.key;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.ragplatform.gateway.route.Scope;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creating, listing and deleting API keys; the secret of a new key leaves this class once. */
@Service
class ApiKeys {

	/** retrieval-service's collection names. */
	static final Pattern COLLECTION = dev.ragplatform.contracts.collection.CollectionNames.PATTERN;

	static final int MAX_COLLECTIONS = 1000;

	private final ApiKeyRepository repository;

	private final KeyLookup lookup;

	private final TransactionTemplate transactions;

	ApiKeys(ApiKeyRepository repository, KeyLookup lookup, TransactionTemplate transactions) {
		this.repository = repository;
		this.lookup = lookup;
		this.transactions = transactions;
	}

	/** A new key with its secret, which is not stored and cannot be shown again. */
	record Created(ApiKey key, String secret) {
	}

	Created create(String name, List<String> scopeNames, List<String> collectionNames, java.time.Instant expiresAt) {
		if (name == null || name.isBlank() || name.length() > 100) {
			throw ServiceProblem.badRequest("name is required, at most 100 characters");
		}
		Set<Scope> scopes = scopes(scopeNames);
		Set<String> collections = collections(collectionNames);
		if (scopes.contains(Scope.ADMIN) && collections != null) {
			// an admin key manages keys, so it could give itself any collection: a list would only look like a limit
			throw ServiceProblem.badRequest("collections: an admin key reaches every collection (it manages keys); "
					+ "leave collections out, or give read or write scopes");
		}
		if (expiresAt != null && !expiresAt.isAfter(java.time.Instant.now())) {
			throw ServiceProblem.badRequest("expiresAt must be in the future");
		}
		String secret = KeySecrets.generate();
		UUID id = UUID.randomUUID();
		this.repository.insert(id, name.strip(), KeySecrets.displayPrefix(secret), KeySecrets.hash(secret), scopes,
				collections, expiresAt);
		return new Created(this.repository.findById(id).orElseThrow(), secret);
	}

	List<ApiKey> list() {
		return this.repository.findAll();
	}

	ApiKey get(UUID id) {
		return this.repository.findById(id).orElseThrow(() -> ServiceProblem.notFound("no API key " + id));
	}

	/** Deletes a key; the last admin key stays, so the gateway can always be managed. */
	void delete(UUID id) {
		this.transactions.executeWithoutResult((tx) -> {
			this.repository.lockBootstrap();
			ApiKey key = get(id);
			if (key.scopes().contains(Scope.ADMIN) && this.repository.countAdmins(id) == 0) {
				throw ServiceProblem.conflict("the last admin key cannot be deleted: create another admin key first");
			}
			this.repository.delete(id);
		});
		this.lookup.forgetAll();
	}

	private static Set<Scope> scopes(List<String> names) {
		if (names == null || names.isEmpty()) {
			return EnumSet.of(Scope.READ);
		}
		Set<Scope> scopes = EnumSet.noneOf(Scope.class);
		for (String name : names) {
			scopes.add(Scope.fromWire(name)
				.orElseThrow(() -> ServiceProblem.badRequest("unknown scope '" + name + "': read, write or admin")));
		}
		return scopes;
	}

	private static Set<String> collections(List<String> names) {
		if (names == null) {
			return null;
		}
		if (names.isEmpty()) {
			throw ServiceProblem.badRequest("collections: omit it for every collection, or name at least one");
		}
		if (names.size() > MAX_COLLECTIONS) {
			throw ServiceProblem.badRequest("collections: at most " + MAX_COLLECTIONS);
		}
		Set<String> collections = new LinkedHashSet<>();
		for (String name : names) {
			if (name == null || !COLLECTION.matcher(name).matches()) {
				throw ServiceProblem.badRequest("collections: '" + name + "' is not a collection name ("
						+ COLLECTION.pattern() + ")");
			}
			collections.add(name);
		}
		return collections;
	}

}
