package dev.ragplatform.llm.api;

import java.util.List;

import dev.ragplatform.llm.retrieval.RetrievalClient.Hit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Signature and summary from the chunks of a document written by the Java API source connector. */
class ApiCatalogTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static Hit hit(int chunk, String externalId, String text) {
		return new Hit("d1", externalId, "java.lang.Integer.parseInt", chunk, text, 0, text.length(), 0.8,
				JSON.readTree("{\"api\": \"java.lang.Integer.parseInt\", \"kind\": \"method\"}"));
	}

	@Test
	void aFirstChunkGivesSignatureAndTheJavadocsFirstSentence() {
		ApiCatalog.Description d = ApiCatalog.describe("java.lang.Integer.parseInt", List.of(hit(1,
				"java.lang.Integer.parseInt(String)", "later text"), hit(0, "java.lang.Integer.parseInt(String)",
						"java.lang.Integer.parseInt\npublic static int parseInt(String s) throws NumberFormatException\n"
								+ "Parses the string argument as a signed decimal integer. The characters must all be digits.")));
		assertThat(d.signature()).isEqualTo("public static int parseInt(String s) throws NumberFormatException");
		assertThat(d.summary()).isEqualTo("Parses the string argument as a signed decimal integer.");
		assertThat(ApiCatalog.api(hit(0, null, "x"))).isEqualTo("java.lang.Integer.parseInt");
	}

	@Test
	void withoutAFirstChunkTheSignatureComesFromTheExternalId() {
		ApiCatalog.Description d = ApiCatalog.describe("java.lang.Integer.parseInt",
				List.of(hit(2, "java.lang.Integer.parseInt(CharSequence,int,int,int)", "…")));
		assertThat(d.signature()).isEqualTo("parseInt(CharSequence,int,int,int)");
		assertThat(d.summary()).isNull();
	}

}
