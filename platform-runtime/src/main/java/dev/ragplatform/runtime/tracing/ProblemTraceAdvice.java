package dev.ragplatform.runtime.tracing;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every problem a service answers carries the ids an operator needs to find what happened: {@code traceId} and
 * {@code spanId} of the request's span (the trace a tracing backend shows, and the ids in the service's log lines),
 * and {@code requestId}, the gateway's {@code X-Request-Id} when the request came through it.
 */
@ControllerAdvice
public class ProblemTraceAdvice implements ResponseBodyAdvice<Object> {

	private final ObjectProvider<Tracer> tracer;

	public ProblemTraceAdvice(ObjectProvider<Tracer> tracer) {
		this.tracer = tracer;
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true; // the body decides, below: a ProblemDetail however it was returned
	}

	@Override
	public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
			Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
			ServerHttpResponse response) {
		if (!(body instanceof ProblemDetail problem)) {
			return body;
		}
		String requestId = request.getHeaders().getFirst("X-Request-Id");
		if (requestId != null && (problem.getProperties() == null || !problem.getProperties().containsKey("requestId"))) {
			problem.setProperty("requestId", requestId);
		}
		Tracer tracer = this.tracer.getIfAvailable();
		TraceContext trace = TraceIds.of((tracer != null) ? tracer.currentSpan() : null);
		if (trace != null) {
			problem.setProperty("traceId", trace.traceId());
			problem.setProperty("spanId", trace.spanId());
		}
		return problem;
	}

}
