package dev.ragplatform.gateway.request;

import java.util.concurrent.atomic.AtomicLong;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.ApiRoute;
import dev.ragplatform.gateway.route.RequestRoute;
import dev.ragplatform.gateway.web.Problems;
import dev.ragplatform.runtime.problem.ServiceProblem;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Request size limits ({@code rag.gateway.limits}): uploads may be {@code max-upload}, everything else
 * {@code max-body}. A declared {@code Content-Length} above the limit is refused with 413 before anything is read or
 * sent upstream; a chunked body is counted as it streams and cut off at the limit (413 when nothing was answered yet).
 */
@Component
@Order(-150)
class BodySizeLimit implements WebFilter {

	private final long maxBody;

	private final long maxUpload;

	BodySizeLimit(GatewayProperties properties) {
		this.maxBody = properties.limits().maxBody().toBytes();
		this.maxUpload = properties.limits().maxUpload().toBytes();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
			return chain.filter(exchange);
		}
		ApiRoute route = RequestRoute.of(exchange);
		long limit = (route != null && route.upload()) ? this.maxUpload : this.maxBody;
		long declared = exchange.getRequest().getHeaders().getContentLength();
		if (declared > limit) {
			return Problems.write(exchange, tooLarge(declared, limit).getBody());
		}
		if (declared >= 0) {
			return chain.filter(exchange);
		}
		ServerHttpRequest counted = new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				AtomicLong seen = new AtomicLong();
				return super.getBody().handle((buffer, sink) -> {
					if (seen.addAndGet(buffer.readableByteCount()) > limit) {
						DataBufferUtils.release(buffer);
						sink.error(tooLarge(seen.get(), limit));
					}
					else {
						sink.next(buffer);
					}
				});
			}
		};
		return chain.filter(exchange.mutate().request(counted).build());
	}

	private static ServiceProblem tooLarge(long size, long limit) {
		return ServiceProblem.tooLarge("Payload too large", "the request body (" + describe(size) + ") is larger than this route takes ("
				+ describe(limit) + ")");
	}

	private static String describe(long bytes) {
		return (bytes >= DataSize.ofMegabytes(1).toBytes()) ? String.format(java.util.Locale.ROOT, "%.1f MB",
				bytes / 1048576.0) : bytes + " bytes";
	}

}
