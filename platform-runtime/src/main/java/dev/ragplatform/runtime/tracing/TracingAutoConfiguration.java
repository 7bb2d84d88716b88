package dev.ragplatform.runtime.tracing;

import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/** The trace ids in a servlet service's problems ({@link ProblemTraceAdvice}); the gateway writes its own. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class TracingAutoConfiguration {

	@Bean
	ProblemTraceAdvice problemTraceAdvice(ObjectProvider<Tracer> tracer) {
		return new ProblemTraceAdvice(tracer);
	}

}
