package dev.ragplatform.gateway.admin;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

/**
 * The admin console: static ES modules and CSS under {@code classpath:/static/admin/} (served by WebFlux's static
 * resource handling at {@code /admin/**}); {@code /admin} and {@code /admin/} answer its {@code index.html}. Its pages
 * may load only the gateway's own scripts, styles and images, and talk only to the gateway.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleRoutes {

	private static final ClassPathResource INDEX = new ClassPathResource("static/admin/index.html");

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
			+ "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

	@Bean
	WebFilter consoleContentSecurityPolicy() {
		return (exchange, chain) -> {
			String path = exchange.getRequest().getPath().pathWithinApplication().value();
			if (path.equals("/admin") || path.startsWith("/admin/")) {
				exchange.getResponse().getHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
			}
			return chain.filter(exchange);
		};
	}

	@Bean
	RouterFunction<ServerResponse> consoleIndex() {
		return RouterFunctions.route()
			.GET("/admin", (request) -> ServerResponse.status(HttpStatus.PERMANENT_REDIRECT).location(URI.create("/admin/")).build())
			.GET("/admin/", (request) -> ServerResponse.ok()
				.contentType(MediaType.TEXT_HTML)
				.cacheControl(CacheControl.noCache())
				.body(BodyInserters.fromResource(INDEX)))
			.build();
	}

}
