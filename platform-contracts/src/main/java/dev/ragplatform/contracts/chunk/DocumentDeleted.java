package dev.ragplatform.contracts.chunk;

/**
 * A document was deleted: its chunks of {@code version} and every lower version disappear from search, and
 * chunks of those versions that arrive later are ignored.
 */
public record DocumentDeleted(String collection, String documentId, long version) implements ChunkEvent {
}
