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
			// the rule as a JavaScript string literal (its backslash doubled), and the form's name field using it
			assertThat(page).contains("NAME_PATTERN = '" + CollectionNames.REGEX.replace("\\", "\\\\") + "'")
				.contains("pattern: NAME_PATTERN");
		}
	}

}
