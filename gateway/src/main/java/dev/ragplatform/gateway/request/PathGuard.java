package dev.ragplatform.gateway.request;

import java.nio.charset.StandardCharsets;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.gateway.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;

/**
 * Refuses {@code /api} paths that the services could read differently from the gateway: dot segments
 * ({@code /collections/mine/../theirs}, also percent-encoded), encoded slashes and backslashes, path parameters
 * ({@code ;}) and empty segments. The gateway checks scopes and collections on the path it sees; Tomcat upstream
 * would normalise such a path into another one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class PathGuard implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String raw = exchange.getRequest().getURI().getRawPath();
		if (raw != null && raw.startsWith("/api/")) {
			String reason = problemWith(raw);
			if (reason != null) {
				return Problems.write(exchange, Problems.of(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST,
						"Invalid request", "the path " + reason));
			}
		}
		return chain.filter(exchange);
	}

	/** Why the raw path is refused, or null when it is fine. */
	static String problemWith(String rawPath) {
		if (rawPath.indexOf(';') >= 0) {
			return "may not contain ';'";
		}
		if (rawPath.indexOf('\\') >= 0) {
			return "may not contain '\\'";
		}
		String[] segments = rawPath.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String segment = segments[i];
			if (segment.isEmpty() && i < segments.length - 1) {
				return "may not contain empty segments ('//')";
			}
			String decoded;
			try {
				decoded = UriUtils.decode(segment, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return "has a malformed percent-encoding";
			}
			if (decoded.equals(".") || decoded.equals("..")) {
				return "may not contain '.' or '..' segments";
			}
			if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0 || decoded.indexOf(';') >= 0) {
				return "may not contain encoded '/', '\\' or ';'";
			}
		}
		return null;
	}

}
