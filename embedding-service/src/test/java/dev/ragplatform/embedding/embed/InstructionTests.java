package dev.ragplatform.embedding.embed;

import java.util.List;

import dev.ragplatform.embedding.model.LlmEmbedderInstructions;
import dev.ragplatform.embedding.model.ModelDescriptor;
import dev.ragplatform.embedding.model.Pooling;
import dev.ragplatform.embedding.model.TaskInstruction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstructionTests {

	private final ModelDescriptor bge = new ModelDescriptor("bge", Pooling.CLS, true, 512, 384, "float32",
			new TaskInstruction("Represent this sentence for searching relevant passages: ", ""),
			LlmEmbedderInstructions.TASKS);

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			qa         | Represent this query for retrieving relevant documents:              | Represent this document for retrieval:
			convsearch | Encode this query and context for searching relevant passages:       | Encode this passage for retrieval:
			chat       | Embed this dialogue to find useful historical dialogues:             | Embed this historical dialogue for retrieval:
			lrlm       | Embed this text chunk for finding useful historical chunks:          | Embed this historical text chunk for retrieval:
			icl        | Convert this example into vector to look for useful examples:        | Convert this example into vector for retrieval:
			tool       | Transform this user request for fetching helpful tool descriptions:  | Transform this tool description for retrieval:
			""")
	void eachTaskHasLlmEmbeddersQueryAndKeyInstruction(String task, String query, String key) {
		assertThat(EmbeddingService.instruction(this.bge, command(task, "query", null))).isEqualTo(query + " ");
		assertThat(EmbeddingService.instruction(this.bge, command(task, "document", null))).isEqualTo(key + " ");
		assertThat(EmbeddingService.instruction(this.bge, command(task, null, null))).as("document by default")
			.isEqualTo(key + " ");
	}

	@Test
	void withoutATaskTheModelsOwnInstructionApplies() {
		assertThat(EmbeddingService.instruction(this.bge, command(null, "query", null)))
			.isEqualTo("Represent this sentence for searching relevant passages: ");
		assertThat(EmbeddingService.instruction(this.bge, command(null, "document", null))).isEmpty();
	}

	@Test
	void aFreeFormInstructionIsUsedAsItIs() {
		assertThat(EmbeddingService.instruction(this.bge, command(null, "query", "Find the Java method: ")))
			.isEqualTo("Find the Java method: ");
	}

	@Test
	void badCombinationsAreRefusedWithTheValidChoices() {
		assertThatThrownBy(() -> EmbeddingService.instruction(this.bge, command("qa", "query", "x")))
			.hasMessageContaining("either task or instruction");
		assertThatThrownBy(() -> EmbeddingService.instruction(this.bge, command("search", "query", null)))
			.hasMessageContaining("unknown task 'search'")
			.hasMessageContaining("chat, convsearch, icl, lrlm, qa, tool");
		assertThatThrownBy(() -> EmbeddingService.instruction(this.bge, command(null, "answer", null)))
			.hasMessageContaining("'query' or 'document'");
	}

	private static EmbedCommand command(String task, String inputType, String instruction) {
		return new EmbedCommand(null, List.of("x"), task, inputType, instruction, null, true, true, null);
	}

}
