package dev.ragplatform.retrieval.collection;

/**
 * A collection was deleted (committed). {@code generation} is its id: a collection created again under the same
 * name has another, so what is announced about this one never reaches that one.
 */
public record CollectionDeleted(String name, long generation) {
}
