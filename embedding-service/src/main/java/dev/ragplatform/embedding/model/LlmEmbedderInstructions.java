package dev.ragplatform.embedding.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The instruction table of LLM-Embedder (Zhang et al., "Retrieve Anything To Augment Large Language Models",
 * 2023): one query and one key instruction per retrieval task, verbatim.
 */
public final class LlmEmbedderInstructions {

	public static final Map<String, TaskInstruction> TASKS;

	static {
		Map<String, TaskInstruction> tasks = new LinkedHashMap<>();
		tasks.put("qa", new TaskInstruction("Represent this query for retrieving relevant documents: ",
				"Represent this document for retrieval: "));
		tasks.put("convsearch", new TaskInstruction("Encode this query and context for searching relevant passages: ",
				"Encode this passage for retrieval: "));
		tasks.put("chat", new TaskInstruction("Embed this dialogue to find useful historical dialogues: ",
				"Embed this historical dialogue for retrieval: "));
		tasks.put("lrlm", new TaskInstruction("Embed this text chunk for finding useful historical chunks: ",
				"Embed this historical text chunk for retrieval: "));
		tasks.put("icl", new TaskInstruction("Convert this example into vector to look for useful examples: ",
				"Convert this example into vector for retrieval: "));
		tasks.put("tool", new TaskInstruction("Transform this user request for fetching helpful tool descriptions: ",
				"Transform this tool description for retrieval: "));
		TASKS = java.util.Collections.unmodifiableMap(tasks);
	}

	private LlmEmbedderInstructions() {
	}

}
