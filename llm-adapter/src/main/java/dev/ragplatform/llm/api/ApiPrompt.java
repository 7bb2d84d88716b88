package dev.ragplatform.llm.api;

import java.util.List;

/**
 * APIGen's in-context prompt: the question, the selected solved examples with their APIs, and the candidate APIs'
 * knowledge (name, signature, summary), with the instruction to reason about the task's intent before naming APIs.
 * The answer's JSON schema ({@link Choice}) is appended by {@code LanguageModel}.
 */
final class ApiPrompt {

	static final String SYSTEM = """
			You recommend Java API methods for programming questions. You are given a question, solved examples \
			(similar questions with the API methods that answered them) and candidate API methods from the \
			documentation, each with its signature and summary. First reason briefly about the task intent: what \
			the asker wants to do, on what input, to get what result. Then name the API methods that accomplish it, \
			best first, each fully qualified as package.Class.method (a constructor as package.Class.Class), with a \
			one-line reason. Prefer the candidates and the examples' APIs; name another method only if you are sure \
			it exists. Never invent methods or classes.""";

	private ApiPrompt() {
	}

	static String user(String question, List<ExampleLine> examples, List<CandidateLine> candidates, int maxApis) {
		StringBuilder prompt = new StringBuilder();
		prompt.append("Question: ").append(oneLine(question)).append("\n\n");
		if (!examples.isEmpty()) {
			prompt.append("Solved examples (question -> APIs that answered it):\n");
			int n = 0;
			for (ExampleLine example : examples) {
				prompt.append("E").append(++n).append(". ").append(oneLine(example.title())).append(" -> ")
					.append(String.join(", ", example.apis())).append('\n');
			}
			prompt.append('\n');
		}
		if (!candidates.isEmpty()) {
			prompt.append("Candidate API methods (name | signature | summary):\n");
			int n = 0;
			for (CandidateLine candidate : candidates) {
				prompt.append("A").append(++n).append(". ").append(candidate.api());
				prompt.append(" | ").append((candidate.signature() != null) ? oneLine(candidate.signature()) : "-");
				prompt.append(" | ").append((candidate.summary() != null) ? oneLine(candidate.summary()) : "-");
				prompt.append('\n');
			}
			prompt.append('\n');
		}
		prompt.append("Reason about the task intent first, then name at most ").append(maxApis)
			.append(" API methods, best first, as fully qualified package.Class.method names.");
		return prompt.toString();
	}

	private static String oneLine(String s) {
		return s.replaceAll("\\s+", " ").strip();
	}

	/** An example as shown: its question and APIs. */
	record ExampleLine(String title, List<String> apis) {
	}

	/** A candidate as shown: its name, signature and summary (either may be null). */
	record CandidateLine(String api, String signature, String summary) {
	}

	/**
	 * The structured answer asked of the LLM.
	 *
	 * @param reasoning the task intent, reasoned before naming APIs
	 * @param apis the recommended methods, best first
	 */
	record Choice(String reasoning, List<Named> apis) {

		/**
		 * One recommended method.
		 *
		 * @param api fully qualified, {@code package.Class.method}
		 * @param why why it solves the task, in one line
		 */
		record Named(String api, String why) {
		}

	}

}
