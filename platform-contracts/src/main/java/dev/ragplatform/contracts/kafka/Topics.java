package dev.ragplatform.contracts.kafka;

/** Names of the platform's Kafka topics: part of the public contract, versioned in the name. */
public final class Topics {

	/** Documents to ingest, published by users' systems or by ingest-service's REST intake. */
	public static final String DOCUMENTS = "rag.documents.v1";

	/**
	 * ingest-service's own lane for small REST documents of collections with little in progress: consumed apart from
	 * {@link #DOCUMENTS}, so one collection's bulk import does not hold another collection's single document.
	 */
	public static final String DOCUMENTS_INTERACTIVE = "rag.documents.interactive.v1";

	/** Chunks with their vectors, produced by ingest-service and indexed by retrieval-service. */
	public static final String CHUNKS = "rag.chunks.v1";

	/** Status changes of document versions ({@code DocumentStatusEvent}), from ingest- and retrieval-service. */
	public static final String DOCUMENT_STATUS = "rag.document-status.v1";

	/** Suffix of the dead-letter twin of every topic; it has as many partitions as its topic. */
	public static final String DEAD_LETTER_SUFFIX = "-dlt";

	private Topics() {
	}

	public static String deadLetter(String topic) {
		return topic + DEAD_LETTER_SUFFIX;
	}

}
