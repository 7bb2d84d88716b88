package dev.ragplatform.gateway.key;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.ragplatform.gateway.route.Scope;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/keys}: API key management, for admin keys only (see the security configuration). */
@RestController
@RequestMapping("/api/v1/admin/keys")
class ApiKeyController {

	private final ApiKeys keys;

	ApiKeyController(ApiKeys keys) {
		this.keys = keys;
	}

	/**
	 * A key to create: scopes default to {@code [read]}; no collections means every collection (an admin key has
	 * no list); no {@code expiresAt} means it never expires.
	 */
	record CreateKey(String name, List<String> scopes, List<String> collections, Instant expiresAt) {
	}

	/** A key as listed: never its secret. */
	record KeyView(UUID id, String name, String prefix, List<String> scopes, Set<String> collections,
			Instant createdAt, Instant expiresAt, Instant lastUsedAt) {

		static KeyView of(ApiKey key) {
			return new KeyView(key.id(), key.name(), key.prefix(),
					key.scopes().stream().sorted().map(Scope::wireName).toList(), key.collections(), key.createdAt(),
					key.expiresAt(), key.lastUsedAt());
		}

	}

	/** A new key: {@code key} is the secret, shown this once. */
	record CreatedKey(UUID id, String name, String prefix, List<String> scopes, Set<String> collections,
			Instant createdAt, Instant expiresAt, String key) {
	}

	@PostMapping
	Mono<ResponseEntity<CreatedKey>> create(@RequestBody CreateKey request) {
		return blocking(() -> {
			ApiKeys.Created created = this.keys.create(request.name(), request.scopes(), request.collections(),
					request.expiresAt());
			KeyView view = KeyView.of(created.key());
			CreatedKey body = new CreatedKey(view.id(), view.name(), view.prefix(), view.scopes(), view.collections(),
					view.createdAt(), view.expiresAt(), created.secret());
			return ResponseEntity.created(URI.create("/api/v1/admin/keys/" + view.id()))
				.header("Cache-Control", "no-store")
				.body(body);
		});
	}

	@GetMapping
	Mono<List<KeyView>> list() {
		return blocking(() -> this.keys.list().stream().map(KeyView::of).toList());
	}

	@GetMapping("/{id}")
	Mono<KeyView> get(@PathVariable UUID id) {
		return blocking(() -> KeyView.of(this.keys.get(id)));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable UUID id) {
		return blocking(() -> {
			this.keys.delete(id);
			return true;
		}).then();
	}

	private static <T> Mono<T> blocking(Callable<T> work) {
		return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
	}

}
