package dev.ragplatform.llm.model;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.ragplatform.llm.FakeOpenAiServer;
import dev.ragplatform.llm.FakeOpenAiServer.Reply;
import dev.ragplatform.llm.config.LlmAdapterProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The LLM client against a local OpenAI-compatible server over real HTTP: the request it sends and its guards. */
class LanguageModelIT {

	final FakeOpenAiServer server = FakeOpenAiServer.start();

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	record Verdict(String reasoning, List<String> apis) {
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	LanguageModel model(LlmAdapterProperties.Provider provider, int maxConcurrent, Duration maxWait) {
		return new LanguageModel(new LlmAdapterProperties(provider, URI.create(this.server.baseUrl()), "fake-7b",
				"secret-key", Duration.ofSeconds(10), 0.0, 256,
				new LlmAdapterProperties.Resilience(50, Duration.ofMinutes(1), maxConcurrent, maxWait),
				new LlmAdapterProperties.Retrieval(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1)),
				new LlmAdapterProperties.Citations(600, 200, 64, 40, true, 1.0, 0.8, -1, 1500, 50, 20, 1000),
				new LlmAdapterProperties.Apis(10, 50, 4096, URI.create("http://127.0.0.1:1"), "", "", 10, 20,
						0.7, false, false, new LlmAdapterProperties.Apis.Weights(1.0, 0.5, 0.5, 1.0, 0.3, 0.3, 0.1, 60))), this.meters,
				io.micrometer.observation.ObservationRegistry.NOOP);
	}

	@Test
	void asksWithTheSchemaAndParsesTheStructuredAnswer() {
		this.server.then(Reply.json(Map.of("reasoning", "split a string", "apis", List.of("java.lang.String.split"))));
		LanguageModel.Answer<Verdict> answer = model(LlmAdapterProperties.Provider.OPENAI, 4, Duration.ofSeconds(1))
			.ask("test", "You recommend APIs.", "How do I split a string?", Verdict.class);
		assertThat(answer.ok()).as("%s", answer).isTrue();
		assertThat(answer.value().apis()).containsExactly("java.lang.String.split");
		assertThat(answer.attempts()).isEqualTo(1);
		JsonNode request = this.server.requests().get(0);
		assertThat(request.path("model").asString()).isEqualTo("fake-7b");
		assertThat(request.path("temperature").asDouble()).isZero();
		assertThat(request.path("response_format").path("type").asString()).isEqualTo("json_schema");
		assertThat(request.path("response_format").toString()).contains("reasoning").contains("apis");
		assertThat(request.path("messages").get(0).path("role").asString()).isEqualTo("system");
		assertThat(FakeOpenAiServer.promptOf(request)).contains("You recommend APIs.").contains("How do I split");
		assertThat(this.meters.get("rag.llm.calls").tag("purpose", "test").tag("outcome", "ok").timer().count()).isEqualTo(1);
	}

	@Test
	void repeatedFailuresOpenTheCircuitAndThenNoCallIsMade() {
		this.server.otherwise((request) -> Reply.status(503, "overloaded"));
		LanguageModel model = model(LlmAdapterProperties.Provider.OPENAI, 4, Duration.ofSeconds(1));
		for (int i = 0; i < 5; i++) {
			LanguageModel.Answer<Verdict> failed = model.ask("test", "s", "u", Verdict.class);
			assertThat(failed.asked()).isTrue();
			assertThat(failed.failure()).contains("failed");
		}
		int calls = this.server.requests().size();
		LanguageModel.Answer<Verdict> refused = model.ask("test", "s", "u", Verdict.class);
		assertThat(refused.ok()).isFalse();
		assertThat(refused.failure()).contains("circuit breaker is open");
		assertThat(this.server.requests()).as("an open circuit sends nothing").hasSize(calls);
	}

	@Test
	void callsBeyondTheBulkheadDegradeInsteadOfQueueingForever() {
		this.server.otherwise((request) -> Reply.json(Map.of("reasoning", "slow", "apis", List.of())).after(1_000));
		LanguageModel model = model(LlmAdapterProperties.Provider.OPENAI, 1, Duration.ofMillis(100));
		CompletableFuture<LanguageModel.Answer<Verdict>> first = CompletableFuture
			.supplyAsync(() -> model.ask("test", "s", "u", Verdict.class));
		await(() -> this.server.requests().size() == 1);
		LanguageModel.Answer<Verdict> second = model.ask("test", "s", "u", Verdict.class);
		assertThat(second.failure()).contains("too many LLM calls in flight");
		assertThat(first.join().ok()).isTrue();
	}

	@Test
	void withoutAProviderNothingIsAsked() {
		LanguageModel model = model(LlmAdapterProperties.Provider.NONE, 4, Duration.ofSeconds(1));
		assertThat(model.configured()).isFalse();
		LanguageModel.Answer<Verdict> answer = model.ask("test", "s", "u", Verdict.class);
		assertThat(answer.asked()).isFalse();
		assertThat(answer.ok()).isFalse();
		assertThat(this.server.requests()).isEmpty();
	}

	private static void await(java.util.function.BooleanSupplier condition) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(condition::getAsBoolean);
	}

}
