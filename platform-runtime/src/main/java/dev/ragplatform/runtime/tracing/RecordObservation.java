package dev.ragplatform.runtime.tracing;

import java.nio.charset.StandardCharsets;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The observation of one Kafka record's processing, continuing the trace its producer wrote into the record's
 * headers ({@code traceparent}, as spring-kafka's observed {@code KafkaTemplate} sends it). For consumers that
 * spring-kafka does not observe itself: batch listeners, and records handed to worker threads.
 */
public final class RecordObservation {

	private RecordObservation() {
	}

	/**
	 * An observation (not yet started) named {@code name} (the timer's name) and shown as {@code contextualName}
	 * (the span's), whose span is the child of the record's producer span when the record carries one.
	 */
	public static Observation of(ConsumerRecord<?, ?> record, String name, String contextualName,
			ObservationRegistry registry) {
		ReceiverContext<ConsumerRecord<?, ?>> context = new ReceiverContext<>((carrier, key) -> {
			Header header = carrier.headers().lastHeader(key);
			return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
					: null;
		});
		context.setCarrier(record);
		context.setRemoteServiceName("kafka");
		return Observation.createNotStarted(name, () -> context, registry)
			.contextualName(contextualName)
			.lowCardinalityKeyValue("messaging.destination.name", record.topic())
			.highCardinalityKeyValue("messaging.kafka.offset", record.partition() + "@" + record.offset());
	}

}
