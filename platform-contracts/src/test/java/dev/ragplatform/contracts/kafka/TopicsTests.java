package dev.ragplatform.contracts.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTests {

	@Test
	void deadLetterTopicIsTheTopicWithTheDltSuffix() {
		assertThat(Topics.deadLetter(Topics.CHUNKS)).isEqualTo("rag.chunks.v1-dlt");
	}

}
