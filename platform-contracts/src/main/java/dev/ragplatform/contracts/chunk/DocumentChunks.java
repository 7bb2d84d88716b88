package dev.ragplatform.contracts.chunk;

import java.util.List;

/**
 * Chunks of one document version. A large document is split into {@code parts} records (numbered from 0) so no
 * record exceeds the broker's message size; the indexer makes the version searchable, replacing the previous
 * one in one transaction, only when all {@code totalChunks} chunks have arrived.
 *
 * @param collection the collection's name
 * @param documentId the document's id
 * @param version the document version
 * @param part which part this is, from 0
 * @param parts how many parts the version has
 * @param totalChunks how many chunks the version has across all parts
 * @param model the embedding model that produced the vectors (must match the collection's)
 * @param title the document's title, if any
 * @param externalId the id the user's system knows the document by, if any
 * @param chunks the chunks of this part
 */
public record DocumentChunks(String collection, String documentId, long version, int part, int parts,
		int totalChunks, String model, String title, String externalId, List<Chunk> chunks) implements ChunkEvent {

	/** The same chunks for another collection. */
	public DocumentChunks withCollection(String otherCollection) {
		return new DocumentChunks(otherCollection, this.documentId, this.version, this.part, this.parts,
				this.totalChunks, this.model, this.title, this.externalId, this.chunks);
	}

	/**
	 * One chunk.
	 *
	 * @param index position in the document, from 0
	 * @param text the chunk's text
	 * @param startOffset offset of the chunk's first character in the parsed document text
	 * @param endOffset offset after its last character
	 * @param metadata JSON object of the chunk's metadata (document metadata merged in), may be null
	 * @param vector the embedding of the chunk (document side of the collection's task)
	 * @param tokenVectors the chunk's token vectors from the same forward pass, in the collection's token storage
	 * (platform-runtime {@code TokenEncoding}; base64 in JSON); {@code null} when the collection keeps none
	 */
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
	public record Chunk(int index, String text, int startOffset, int endOffset, java.util.Map<String, Object> metadata,
			float[] vector, byte[] tokenVectors) {

		/** A chunk without token vectors. */
		public Chunk(int index, String text, int startOffset, int endOffset, java.util.Map<String, Object> metadata,
				float[] vector) {
			this(index, text, startOffset, endOffset, metadata, vector, null);
		}

	}

}
