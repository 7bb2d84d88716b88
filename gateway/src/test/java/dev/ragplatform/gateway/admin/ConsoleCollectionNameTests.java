package dev.ragplatform.gateway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import dev.ragplatform.contracts.collection.CollectionNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's collection form checks names with the platform's one rule, not a copy that may drift. */
class ConsoleCollectionNameTests {

	@Test
	void theCollectionFormUsesThePlatformsNameRule() throws IOException {
		try (InputStream in = getClass().getResourceAsStream("/static/admin/pages/collections.js")) {
			assertThat(in).as("the console's collections page").isNotNull();
			String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			assertThat(page).contains("pattern: '" + CollectionNames.REGEX + "'");
		}
	}

}
