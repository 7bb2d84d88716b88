package dev.ragplatform.ingest.chunk;

/**
 * The chunk size actually used: the collection's setting, capped so a chunk plus the task instruction and the
 * special tokens fits the model's input, with the overlap below half of it.
 *
 * @param targetTokens most tokens per chunk
 * @param overlapTokens tokens repeated from the previous chunk
 */
public record ChunkSize(int targetTokens, int overlapTokens) {

	/** Tokens kept free for the task instruction and the special tokens within the model's input limit. */
	public static final int RESERVED_TOKENS = 24;

	public static ChunkSize fit(int targetTokens, int overlapTokens, int modelMaxTokens) {
		int target = Math.max(16, Math.min(targetTokens, modelMaxTokens - RESERVED_TOKENS));
		return new ChunkSize(target, Math.min(overlapTokens, (target - 1) / 2));
	}

}
