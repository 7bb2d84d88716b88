package dev.ragplatform.gateway.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.ragplatform.contracts.problem.ProblemTypes;
import dev.ragplatform.runtime.tracing.TraceIds;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * RFC 9457 problems as the gateway writes them, from filters and handlers alike: {@code application/problem+json}
 * with {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} (the request path) and
 * {@code requestId}, and the request's {@code traceId} and {@code spanId}.
 */
public final class Problems {

	/** No, an unknown or a malformed credential (401). */
	public static final URI UNAUTHORIZED = URI.create(ProblemTypes.BASE + "unauthorized");

	/** The credential is valid but lacks the scope or the collection the request needs (403). */
	public static final URI FORBIDDEN = ProblemTypes.FORBIDDEN;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Problems() {
	}

	public static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
		return dev.ragplatform.runtime.problem.ServiceProblem.problem(status, type, title, detail);
	}

	/** The type a problem gets when whoever raised it did not say (Spring's own 404, 405, 415…). */
	static URI typeFor(int status) {
		return switch (status) {
			case 400 -> ProblemTypes.INVALID_REQUEST;
			case 401 -> UNAUTHORIZED;
			case 403 -> FORBIDDEN;
			case 404 -> ProblemTypes.NOT_FOUND;
			case 409 -> ProblemTypes.CONFLICT;
			case 413 -> ProblemTypes.PAYLOAD_TOO_LARGE;
			case 415 -> ProblemTypes.UNSUPPORTED_MEDIA_TYPE;
			case 429 -> ProblemTypes.RATE_LIMITED;
			case 502, 503, 504 -> ProblemTypes.DEPENDENCY_UNAVAILABLE;
			default -> URI.create("about:blank");
		};
	}

	/** Writes the problem as the response (which must not be committed yet). */
	public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = JSON.writeValueAsBytes(body(exchange, problem));
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	/** The span of the request being answered (its server observation's), or null. */
	static Span span(ServerWebExchange exchange) {
		return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.<TracingObservationHandler.TracingContext>get(
					TracingObservationHandler.TracingContext.class))
			.map(TracingObservationHandler.TracingContext::getSpan)
			.orElse(null);
	}

	private static Map<String, Object> body(ServerWebExchange exchange, ProblemDetail problem) {
		Map<String, Object> body = new LinkedHashMap<>();
		URI type = problem.getType();
		body.put("type", (type == null || "about:blank".equals(type.toString())) ? typeFor(problem.getStatus()).toString()
				: type.toString());
		HttpStatus status = HttpStatus.resolve(problem.getStatus());
		body.put("title", (problem.getTitle() != null) ? problem.getTitle()
				: (status != null) ? status.getReasonPhrase() : "Error");
		body.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			body.put("detail", problem.getDetail());
		}
		body.put("instance", (problem.getInstance() != null) ? problem.getInstance().toString()
				: exchange.getRequest().getPath().value());
		String requestId = RequestId.of(exchange);
		if (requestId != null) {
			body.put("requestId", requestId);
		}
		TraceContext trace = TraceIds.of(span(exchange));
		if (trace != null) {
			body.put("traceId", trace.traceId());
			body.put("spanId", trace.spanId());
		}
		if (problem.getProperties() != null) {
			problem.getProperties().forEach(body::putIfAbsent);
		}
		return body;
	}

}
