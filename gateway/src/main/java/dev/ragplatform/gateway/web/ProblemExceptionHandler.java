package dev.ragplatform.gateway.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Every error the gateway raises itself becomes a problem: unknown paths (404), wrong methods (405), the admin
 * endpoints' validation (400), anything unexpected (500, logged). Runs before Spring Boot's JSON error handler.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		ProblemDetail problem;
		if (ex instanceof ErrorResponse error) {
			problem = error.getBody();
			exchange.getResponse().getHeaders().addAll(error.getHeaders());
		}
		else {
			log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "the gateway failed: see its log");
		}
		return Problems.write(exchange, problem);
	}

	@Override
	public int getOrder() {
		return -2;
	}

}
