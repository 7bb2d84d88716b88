package dev.ragplatform.gateway.security;

import java.util.List;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.Scope;
import reactor.core.publisher.Mono;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/me}: who the credential is, for any valid key or token. The console shows only the pages and
 * buttons the caller's scopes and collections allow, and marks the signed-in key.
 */
@RestController
class CallerController {

	/**
	 * @param keyId the API key's id (null for a JWT)
	 * @param scopes granted scopes, each implying those below it
	 * @param may what the scopes allow: {@code read}, {@code write}, {@code admin}
	 * @param collections the collections it may use, or null for every collection
	 * @param traceUrl where the console links a trace id ({@code {traceId}} in it), or null
	 */
	record Me(String id, String keyId, String name, List<String> scopes, List<String> may, List<String> collections,
			String traceUrl) {
	}

	private final String traceUrl;

	CallerController(GatewayProperties properties) {
		this.traceUrl = (properties.traceUrl() == null || properties.traceUrl().isBlank()) ? null
				: properties.traceUrl();
	}

	@GetMapping("/api/v1/me")
	Mono<Me> me(@AuthenticationPrincipal Caller caller) {
		String keyId = caller.id().startsWith("key:") ? caller.id().substring(4) : null;
		List<String> may = java.util.Arrays.stream(Scope.values()).filter(caller::may).map(Scope::wireName).toList();
		return Mono.just(new Me(caller.id(), keyId, caller.name(),
				caller.scopes().stream().map(Scope::wireName).sorted().toList(), may,
				(caller.collections() != null) ? caller.collections().stream().sorted().toList() : null,
				this.traceUrl));
	}

}
