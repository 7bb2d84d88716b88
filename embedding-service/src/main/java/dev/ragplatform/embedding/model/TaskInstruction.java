package dev.ragplatform.embedding.model;

/** The instructions of one retrieval task: prepended to queries and to keys (documents) respectively. */
public record TaskInstruction(String query, String key) {

	public TaskInstruction {
		query = (query != null) ? query : "";
		key = (key != null) ? key : "";
	}

	public String forSide(InputType side) {
		return (side == InputType.QUERY) ? this.query : this.key;
	}

}
