package dev.ragplatform.gateway.key;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class KeySecretsTests {

	@Test
	void generatedKeysAreWellFormedUniqueAndCarry256Bits() {
		Set<String> keys = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String key = KeySecrets.generate();
			assertThat(key).startsWith("rag_").hasSize(4 + 43);
			assertThat(KeySecrets.isWellFormed(key)).isTrue();
			keys.add(key);
		}
		assertThat(keys).hasSize(1000);
	}

	@Test
	void storesOnlyASha256() {
		String key = KeySecrets.generate();
		assertThat(KeySecrets.hash(key)).hasSize(32).isEqualTo(KeySecrets.hash(key));
		assertThat(KeySecrets.displayPrefix(key)).hasSize(12).isEqualTo(key.substring(0, 12));
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "rag_short", "key_0123456789abcdef0123456789abcdef", "rag_0123456789abcdef0123456789abcde\u00e9",
			"rag_0123456789abcdef 0123456789abcdef", "RAG_0123456789abcdef0123456789abcdef" })
	void refusesWhatCannotBeAKey(String key) {
		assertThat(KeySecrets.isWellFormed(key)).isFalse();
	}

}
