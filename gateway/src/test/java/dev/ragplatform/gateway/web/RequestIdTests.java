package dev.ragplatform.gateway.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdTests {

	@ParameterizedTest
	@ValueSource(strings = { "abc-123", "4bf92f3577b34da6a3ce929d0e0e4736", "req:1.2_x" })
	void keepsSaneIds(String id) {
		assertThat(RequestId.isSane(id)).isTrue();
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "a b", "x\r\nSet-Cookie: y", "<script>", "é" })
	void replacesOthers(String id) {
		assertThat(RequestId.isSane(id)).isFalse();
	}

}
