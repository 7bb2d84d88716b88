package dev.ragplatform.runtime.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * How the services write record values: events (the records of {@code platform-contracts}) as JSON by spring-kafka's
 * {@link JacksonJsonSerializer} with the application's {@link JsonMapper} and no type headers (the topics' schema is
 * the contract, not a Java class name); {@code String} and {@code byte[]} values as they are, which is how a
 * {@code DeadLetterPublishingRecoverer} republishes a consumed record.
 */
public final class JsonRecordValues {

	private JsonRecordValues() {
	}

	public static Serializer<Object> serializer(JsonMapper json) {
		Map<Class<?>, Serializer<?>> delegates = new LinkedHashMap<>();
		delegates.put(String.class, new StringSerializer());
		delegates.put(byte[].class, new ByteArraySerializer());
		delegates.put(Object.class, new JacksonJsonSerializer<>(json).noTypeInfo());
		return new DelegatingByTypeSerializer(delegates, true);
	}

	/** Sets {@link #serializer} as the value serializer of the application's producers. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static DefaultKafkaProducerFactoryCustomizer producers(JsonMapper json) {
		return (factory) -> ((org.springframework.kafka.core.DefaultKafkaProducerFactory) factory)
			.setValueSerializerSupplier(() -> serializer(json));
	}

}
