package dev.ragplatform.llm.model;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.llm.config.LlmAdapterProperties;
import dev.ragplatform.llm.config.LlmAdapterProperties.Provider;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.converter.BeanOutputConverter;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The optional LLM: Spring AI's {@link ChatClient} on an OpenAI-compatible server, every call guarded by
 * Resilience4j (bulkhead, circuit breaker, time limit) and answered as JSON that must match the schema of the
 * expected record (sent as {@code response_format: json_schema} and spelled out in the prompt). An unparseable
 * answer is asked for once more; any other failure is returned, never thrown, so callers degrade to retrieval.
 */
@Component
public class LanguageModel implements DisposableBean {

	private static final Log logger = LogFactory.getLog(LanguageModel.class);

	private final ChatClient chat;

	private final String model;

	private final Bulkhead bulkhead;

	private final CircuitBreaker breaker;

	private final TimeLimiter limiter;

	private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

	private final MeterRegistry meters;

	private final ObservationRegistry observations;

	LanguageModel(LlmAdapterProperties properties, MeterRegistry meters, ObservationRegistry observations) {
		this.meters = meters;
		this.observations = observations;
		this.model = properties.model();
		if (properties.provider() == Provider.OPENAI) {
			String key = (properties.apiKey() == null || properties.apiKey().isBlank()) ? "none" : properties.apiKey();
			OpenAiChatModel chatModel = OpenAiChatModel.builder()
				.options(OpenAiChatOptions.builder()
					.baseUrl(properties.baseUrl().toString())
					.apiKey(key)
					.model(properties.model())
					.temperature(properties.temperature())
					.maxTokens(properties.maxTokens())
					// the time limiter below decides; the SDK must not retry on its own behind our back
					.timeout(properties.timeout().plusSeconds(1))
					.maxRetries(0)
					.build())
				.build();
			this.chat = ChatClient.create(chatModel);
		}
		else {
			this.chat = null;
		}
		LlmAdapterProperties.Resilience resilience = properties.resilience();
		BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
			.maxConcurrentCalls(resilience.maxConcurrentCalls())
			.maxWaitDuration(resilience.maxWait())
			.build());
		this.bulkhead = bulkheads.bulkhead("llm");
		CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(resilience.failureRateThreshold())
			.slidingWindowSize(20)
			.minimumNumberOfCalls(5)
			.waitDurationInOpenState(resilience.openFor())
			.permittedNumberOfCallsInHalfOpenState(2)
			.build());
		this.breaker = breakers.circuitBreaker("llm");
		this.limiter = TimeLimiter.of(TimeLimiterConfig.custom()
			.timeoutDuration(properties.timeout())
			.cancelRunningFuture(true)
			.build());
		TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
		// every series from the start, at zero: dashboards and alerts see "no calls", not "no data"
		for (String purpose : PURPOSES) {
			for (String outcome : List.of("ok", "failed", "unparseable")) {
				calls(purpose, outcome);
			}
		}
	}

	/** What the platform asks an LLM for (the {@code purpose} of {@link #ask}). */
	static final List<String> PURPOSES = List.of("citation-expansion", "citation-choice", "api-recommendation");

	private Timer calls(String purpose, String outcome) {
		return Timer.builder("rag.llm.calls")
			.description("LLM calls by purpose and outcome")
			.tag("purpose", purpose)
			.tag("outcome", outcome)
			.register(this.meters);
	}

	/**
	 * Closes the circuit breaker and forgets the calls it counted, as if the LLM had just been configured. Tests use it
	 * so that one scenario's failures do not open the circuit for the next.
	 */
	public void resetCircuit() {
		this.breaker.reset();
	}

	/** Whether an LLM is configured at all ({@code rag.llm.provider} other than {@code none}). */
	public boolean configured() {
		return this.chat != null;
	}

	/** The configured model's name, null when there is none. */
	public String model() {
		return configured() ? this.model : null;
	}

	/**
	 * Asks the LLM for an answer of type {@code type}.
	 *
	 * @param purpose what the call is for (a metric tag, e.g. {@code citation-choice})
	 * @param system the system message
	 * @param user the user message; the JSON format instructions are appended
	 * @return the parsed answer, or why there is none
	 */
	public <T> Answer<T> ask(String purpose, String system, String user, Class<T> type) {
		if (!configured()) {
			return Answer.notConfigured();
		}
		BeanOutputConverter<T> converter = new BeanOutputConverter<>(type);
		String prompt = user + "\n\n" + converter.getFormat();
		String lastProblem = null;
		for (int attempt = 1; attempt <= 2; attempt++) {
			long started = System.nanoTime();
			String raw;
			try {
				// one span per call, on the request's trace (the call itself runs on another thread, under a time limit)
				raw = Observation.createNotStarted("rag.llm.call", this.observations)
					.contextualName("llm " + purpose)
					.lowCardinalityKeyValue("purpose", purpose)
					.lowCardinalityKeyValue("model", this.model)
					.highCardinalityKeyValue("attempt", Integer.toString(attempt))
					.observe(() -> guarded(() -> this.chat.prompt()
						.system(system)
						.user(prompt)
						.options(OpenAiChatOptions.builder()
							.responseFormat(OpenAiChatModel.ResponseFormat.builder()
								.type(OpenAiChatModel.ResponseFormat.Type.JSON_SCHEMA)
								.jsonSchema(converter.getJsonSchema())
								.build()))
						.call()
						.content()));
			}
			catch (RuntimeException ex) {
				String why = failure(ex);
				record(purpose, "failed", started);
				logger.warn("LLM call for " + purpose + " failed: " + why);
				return Answer.failed(why, attempt);
			}
			try {
				T value = converter.convert(raw);
				if (value == null) {
					throw new IllegalArgumentException("the answer was empty");
				}
				record(purpose, "ok", started);
				return Answer.of(value, attempt);
			}
			catch (RuntimeException ex) {
				record(purpose, "unparseable", started);
				lastProblem = "the answer did not match the JSON schema (" + ex.getMessage() + ")";
				logger.info("LLM answer for " + purpose + " unparseable (attempt " + attempt + "): " + ex.getMessage());
			}
		}
		return Answer.failed(lastProblem, 2);
	}

	private String guarded(java.util.function.Supplier<String> call) {
		return this.bulkhead.executeSupplier(() -> this.breaker.executeSupplier(() -> {
			try {
				return this.limiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(call, this.calls));
			}
			catch (RuntimeException ex) {
				throw ex; // not wrapped: the bulkhead and breaker see their own exceptions as they are
			}
			catch (Exception ex) {
				throw new LlmCallException(ex);
			}
		}));
	}

	private String failure(RuntimeException ex) {
		Throwable cause = (ex instanceof LlmCallException) ? ex.getCause() : ex;
		if (cause instanceof java.util.concurrent.ExecutionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof TimeoutException) {
			return "the LLM did not answer within " + format(this.limiter.getTimeLimiterConfig().getTimeoutDuration());
		}
		if (cause instanceof CallNotPermittedException) {
			return "the LLM's circuit breaker is open after repeated failures";
		}
		if (cause instanceof BulkheadFullException) {
			return "too many LLM calls in flight";
		}
		// the provider's own message (its host, its body) is logged, not handed to our caller
		org.slf4j.LoggerFactory.getLogger(LanguageModel.class).warn("The LLM call failed", cause);
		return "the LLM call failed: " + cause.getClass().getSimpleName();
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private void record(String purpose, String outcome, long started) {
		calls(purpose, outcome).record(Duration.ofNanos(System.nanoTime() - started));
	}

	@Override
	public void destroy() {
		this.calls.shutdownNow();
	}

	/**
	 * An LLM answer or why there is none.
	 *
	 * @param value the parsed answer, null when there is none
	 * @param asked whether the LLM was asked at all (false: none configured)
	 * @param failure why there is no answer although one was asked for
	 * @param attempts how many calls were made (2 when the first answer was unparseable)
	 */
	public record Answer<T>(T value, boolean asked, String failure, int attempts) {

		static <T> Answer<T> notConfigured() {
			return new Answer<>(null, false, null, 0);
		}

		static <T> Answer<T> failed(String failure, int attempts) {
			return new Answer<>(null, true, failure, attempts);
		}

		static <T> Answer<T> of(T value, int attempts) {
			return new Answer<>(value, true, null, attempts);
		}

		public boolean ok() {
			return this.value != null;
		}

	}

	private static final class LlmCallException extends RuntimeException {

		LlmCallException(Throwable cause) {
			super(cause);
		}

	}

}
