package dev.ragplatform.ingest.pipeline;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.runtime.kafka.JsonRecordValues;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThatCode;

class StatusEventsTests {

	@Test
	void aBrokerThatIsGoneDoesNotFailTheCallerEvenWhenTheSendFailsAtOnce() {
		// a real producer with nothing listening: send() throws after max.block.ms, before any future exists
		var factory = new DefaultKafkaProducerFactory<Object, Object>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1", ProducerConfig.MAX_BLOCK_MS_CONFIG, 300,
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
		factory.setValueSerializer(JsonRecordValues.serializer(JsonMapper.builder().build()));
		try {
			StatusEvents events = new StatusEvents(new KafkaTemplate<>(factory));
			Document document = new Document(UUID.randomUUID(), "papers", "a", 1, DocumentStatus.RECEIVED, null, null,
					null, null, "text/plain", 10, Map.of(), "rest", null, 0, 1, OffsetDateTime.now(),
					OffsetDateTime.now(), null, null);
			assertThatCode(() -> events.changed(document, 1, DocumentStatus.RECEIVED, null)).doesNotThrowAnyException();
			assertThatCode(() -> events.failed(document, 1, "parse", "broken")).doesNotThrowAnyException();
		}
		finally {
			factory.destroy();
		}
	}

}
