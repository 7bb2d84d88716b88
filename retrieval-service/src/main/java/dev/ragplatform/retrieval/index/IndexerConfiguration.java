package dev.ragplatform.retrieval.index;

import java.time.Duration;
import java.util.List;

import dev.ragplatform.contracts.kafka.Topics;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.failure.TransientFailures;
import dev.ragplatform.runtime.kafka.DeadLetterMeter;
import dev.ragplatform.runtime.kafka.JsonRecordValues;
import dev.ragplatform.runtime.kafka.TopicShape;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Topics and error handling of the indexer: poison records go to {@code rag.chunks.v1-dlt} at once with the reason
 * in the {@code kafka_dlt-exception-message} header; transient failures (database down) are retried with
 * exponential back-off for as long as they last, so nothing is lost; other failures get a few retries, then the
 * dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
class IndexerConfiguration {

	private static final TransientFailures TRANSIENT = TransientFailures
		.of(List.of(PoisonRecordException.class, DataIntegrityViolationException.class), List.of());

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(IndexerConfiguration.class);

	private static TopicShape topics(RetrievalProperties properties) {
		RetrievalProperties.Index index = properties.index();
		return new TopicShape(index.partitions(), index.replicationFactor(), index.minInsyncReplicas());
	}

	/** Events are written as JSON by spring-kafka's serializer (dead letters as they were read). */
	@Bean
	DefaultKafkaProducerFactoryCustomizer jsonRecordValues(JsonMapper json) {
		return JsonRecordValues.producers(json);
	}

	@Bean
	NewTopic chunkTopic(RetrievalProperties properties) {
		return topics(properties).declare(Topics.CHUNKS);
	}

	@Bean
	NewTopic chunkDeadLetterTopic(RetrievalProperties properties) {
		return topics(properties).declare(Topics.deadLetter(Topics.CHUNKS));
	}

	/** How many poison chunk records wait in the dead-letter topic (the console's overview shows it). */
	@Bean
	DeadLetterMeter chunkDeadLetterMeter(KafkaAdmin admin) {
		return new DeadLetterMeter(admin.getConfigurationProperties(), List.of(Topics.deadLetter(Topics.CHUNKS)),
				Duration.ofSeconds(15));
	}

	@Bean
	NewTopic documentStatusTopic(RetrievalProperties properties) {
		return topics(properties).declare(Topics.DOCUMENT_STATUS);
	}

	@Bean
	DefaultErrorHandler indexerErrorHandler(KafkaOperations<Object, Object> kafka, RetrievalProperties properties,
			StatusPublisher status, JsonMapper json) {
		var deadLetters = new DeadLetterPublishingRecoverer(kafka,
				(record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
		ConsumerRecordRecoverer recoverer = (record, ex) -> {
			deadLetters.accept(record, ex);
			reportFailure(record, ex, status, json);
		};
		var handler = new DefaultErrorHandler(recoverer, backOff(properties, Integer.MAX_VALUE));
		handler.addNotRetryableExceptions(PoisonRecordException.class, DataIntegrityViolationException.class);
		handler.setRetryListeners((record, ex, attempt) -> logger.warn("Indexing {}@{} failed (attempt {}): {}",
				record.topic() + "-" + record.partition(), record.offset(), attempt, NestedExceptionUtils.getMostSpecificCause(ex).toString()));
		handler.setBackOffFunction((record, ex) -> transientFailure(ex) ? backOff(properties, Integer.MAX_VALUE)
				: backOff(properties, 4));
		return handler;
	}

	/**
	 * After a chunk record is dead-lettered, its version can never be complete (a multi-part version misses a part):
	 * the document's owner is told it FAILED at stage {@code index}, with the reason when it is the record's fault.
	 * A record too broken to name its document is only dead-lettered.
	 */
	private static void reportFailure(ConsumerRecord<?, ?> record, Exception ex, StatusPublisher status,
			JsonMapper json) {
		if (!(record.value() instanceof String value)) {
			return;
		}
		JsonNode event;
		try {
			event = json.readTree(value);
		}
		catch (JacksonException notJson) {
			return;
		}
		String collection = event.path("collection").asString(null);
		String documentId = event.path("documentId").asString(null);
		if (collection == null || documentId == null || !event.path("version").canConvertToLong()
				|| !"chunks".equals(event.path("type").asString(null))) {
			return;
		}
		PoisonRecordException poison = TransientFailures.causeOf(ex, PoisonRecordException.class);
		if (poison instanceof PoisonRecordException.UnknownCollection) {
			return;
		}
		String reason = "retrieval-service could not index the chunks: "
				+ ((poison != null) ? poison.getMessage() : "the record was dead-lettered (see its log)");
		status.failed(collection, documentId, event.path("version").asLong(), reason);
	}

	private static ExponentialBackOff backOff(RetrievalProperties properties, int maxAttempts) {
		ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
		backOff.setMaxInterval(properties.index().maxBackoff().toMillis());
		backOff.setMaxAttempts(maxAttempts);
		return backOff;
	}

	/**
	 * Failures of the database itself or of concurrency (connection refused, timeouts, deadlock, serialization):
	 * the record is fine, so wait and retry.
	 */
	static boolean transientFailure(Throwable ex) {
		return TRANSIENT.isTransient(ex);
	}

}
