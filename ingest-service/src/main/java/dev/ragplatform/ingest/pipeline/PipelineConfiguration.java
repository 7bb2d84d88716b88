package dev.ragplatform.ingest.pipeline;

import java.time.Duration;
import java.util.List;

import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.ingest.config.IngestProperties;
import dev.ragplatform.ingest.embedding.EmbeddingClient;
import dev.ragplatform.runtime.kafka.DeadLetterMeter;
import dev.ragplatform.runtime.kafka.JsonRecordValues;
import dev.ragplatform.runtime.kafka.TopicShape;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Topics, dead letters and the two ways the pipeline waits out an outage: the error handler retries a failed
 * batch with exponential back-off for as long as it takes (the consumer stays paused meanwhile, so the group does
 * not rebalance), and while embedding-service's circuit breaker is open the listener is paused outright.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(PipelineConfiguration.class);

	private static TopicShape topics(IngestProperties properties) {
		IngestProperties.Pipeline pipeline = properties.pipeline();
		return new TopicShape(pipeline.partitions(), pipeline.replicationFactor(), pipeline.minInsyncReplicas());
	}

	/** Events are written as JSON by spring-kafka's serializer (dead letters as they were read). */
	@Bean
	DefaultKafkaProducerFactoryCustomizer jsonRecordValues(JsonMapper json) {
		return JsonRecordValues.producers(json);
	}

	@Bean
	NewTopic documentTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.DOCUMENTS);
	}

	@Bean
	NewTopic interactiveDocumentTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.DOCUMENTS_INTERACTIVE);
	}

	@Bean
	NewTopic interactiveDocumentDeadLetterTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.deadLetter(Topics.DOCUMENTS_INTERACTIVE));
	}

	@Bean
	NewTopic documentDeadLetterTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.deadLetter(Topics.DOCUMENTS));
	}

	/** How many poison documents wait in the dead-letter topic (the console's overview shows it). */
	@Bean
	DeadLetterMeter documentDeadLetterMeter(KafkaAdmin admin) {
		return new DeadLetterMeter(admin.getConfigurationProperties(), List.of(Topics.deadLetter(Topics.DOCUMENTS),
				Topics.deadLetter(Topics.DOCUMENTS_INTERACTIVE)), Duration.ofSeconds(15));
	}

	@Bean
	NewTopic chunkTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.CHUNKS);
	}

	@Bean
	NewTopic documentStatusTopic(IngestProperties properties) {
		return topics(properties).declare(Topics.DOCUMENT_STATUS);
	}

	/**
	 * Where the listener sends poison records: the dead-letter topic of theirs, same partition number, with the
	 * reason in {@code kafka_dlt-exception-message}; each send awaits the broker.
	 */
	@Bean
	DeadLetterPublishingRecoverer documentDeadLetters(KafkaOperations<Object, Object> kafka) {
		return new DeadLetterPublishingRecoverer(kafka,
				(record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
	}

	/**
	 * A failed batch is transient (poison is dead-lettered by the listener itself): it is retried whole with
	 * exponential back-off for as long as it takes, never dropped.
	 */
	@Bean
	DefaultErrorHandler pipelineErrorHandler(IngestProperties properties) {
		ConsumerRecordRecoverer never = (record, ex) -> {
			throw new IllegalStateException("the back-off of a failed batch has no end: nothing is recovered", ex);
		};
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(properties.pipeline().maxBackoff().toMillis());
		var handler = new DefaultErrorHandler(never, backOff);
		handler.setRetryListeners((record, ex, attempt) -> logger.warn("Documents wait for a dependency (attempt {}): {}",
				attempt, Failures.describe(NestedExceptionUtils.getMostSpecificCause(ex))));
		return handler;
	}

	@Bean
	ApplicationRunner pauseWhileEmbeddingIsDown(EmbeddingClient embeddings, KafkaListenerEndpointRegistry registry) {
		return (args) -> embeddings.circuitBreaker().getEventPublisher().onStateTransition((event) -> {
			for (String id : List.of(DocumentConsumer.ID, DocumentConsumer.INTERACTIVE_ID)) {
				MessageListenerContainer container = registry.getListenerContainer(id);
				if (container == null) {
					continue;
				}
				switch (event.getStateTransition().getToState()) {
					case OPEN, FORCED_OPEN -> {
						logger.warn("embedding-service is failing: document intake paused ({})", id);
						container.pause();
					}
					case HALF_OPEN, CLOSED -> {
						logger.info("embedding-service circuit {}: document intake resumed ({})",
								event.getStateTransition().getToState(), id);
						container.resume();
					}
					default -> {
					}
				}
			}
		});
	}

}
