package dev.ragplatform.runtime.metrics;

import java.util.function.Supplier;

import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts a service's requests by API and outcome ({@code <name>{api, outcome}}): {@code success}, the
 * {@link ServiceProblem#outcome() outcome} of the problem it answered, or {@code error} for anything else.
 */
public final class RequestMeter {

	private final MeterRegistry meters;

	private final String name;

	/** @param name the counter, e.g. {@code rag.embedding.requests} */
	public RequestMeter(MeterRegistry meters, String name) {
		this.meters = meters;
		this.name = name;
	}

	public <T> T count(String api, Supplier<T> work) {
		String outcome = "error";
		try {
			T result = work.get();
			outcome = "success";
			return result;
		}
		catch (ServiceProblem problem) {
			outcome = problem.outcome();
			throw problem;
		}
		finally {
			this.meters.counter(this.name, "api", api, "outcome", outcome).increment();
		}
	}

}
