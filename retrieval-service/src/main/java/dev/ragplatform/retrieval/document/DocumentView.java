package dev.ragplatform.retrieval.document;

import java.time.OffsetDateTime;

/** A document's indexed state. */
record DocumentView(String documentId, long version, boolean deleted, String title, String externalId, int chunks,
		OffsetDateTime indexedAt) {
}
