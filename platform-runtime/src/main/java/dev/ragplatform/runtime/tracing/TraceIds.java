package dev.ragplatform.runtime.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;

/**
 * The ids of a span, sampled or not (an unsampled span is "no-op" to Micrometer, yet its ids are the ones the logs
 * and the next service carry), or none when there is no tracer.
 */
public final class TraceIds {

	private TraceIds() {
	}

	/** The span's context when it has real ids, else null. */
	public static TraceContext of(Span span) {
		TraceContext context = (span != null) ? span.context() : null;
		if (context == null || context.traceId() == null || context.traceId().isEmpty()
				|| context.traceId().chars().allMatch((c) -> c == '0')) {
			return null;
		}
		return context;
	}

}
