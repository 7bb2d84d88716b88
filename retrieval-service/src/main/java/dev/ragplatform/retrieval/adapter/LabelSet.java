package dev.ragplatform.retrieval.adapter;

import java.util.List;

/**
 * @param targetField what a target names: {@code documentId} (default), {@code externalId} or
 * {@code metadata.<key>} (a metadata value of the document's chunks, e.g. {@code metadata.api})
 */
record LabelSet(String targetField, List<LabelPair> pairs) {
}
