package dev.ragplatform.runtime.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRecordValuesTests {

	record Event(String collection, long version, List<String> parts) {
	}

	private final JsonMapper json = JsonMapper.builder().build();

	private final Serializer<Object> serializer = configured(JsonRecordValues.serializer(this.json));

	/** As the producer factory configures it. */
	private static Serializer<Object> configured(Serializer<Object> serializer) {
		serializer.configure(java.util.Map.of("bootstrap.servers", "localhost:9092"), false);
		return serializer;
	}

	@Test
	void anEventIsWrittenAsTheMapperWritesItWithoutTypeHeaders() {
		Event event = new Event("papers", 3, List.of("a", "b"));
		RecordHeaders headers = new RecordHeaders();
		byte[] bytes = this.serializer.serialize("rag.chunks.v1", headers, event);
		assertThat(new String(bytes, StandardCharsets.UTF_8))
			.isEqualTo("{\"collection\":\"papers\",\"version\":3,\"parts\":[\"a\",\"b\"]}")
			.isEqualTo(this.json.writeValueAsString(event));
		assertThat(headers.toArray()).isEmpty();
	}

	@Test
	void aDeadLetterIsRepublishedAsItWasRead() {
		String consumed = "{not json";
		assertThat(this.serializer.serialize("rag.documents.v1-dlt", new RecordHeaders(), consumed))
			.isEqualTo(consumed.getBytes(StandardCharsets.UTF_8));
		byte[] raw = { 1, 2, 3 };
		assertThat(this.serializer.serialize("rag.documents.v1-dlt", new RecordHeaders(), raw)).isEqualTo(raw);
	}

}
