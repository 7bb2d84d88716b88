package dev.ragplatform.contracts.document;

import java.util.Map;

/**
 * A document to ingest: a record on {@code rag.documents.v1}. Users' systems publish it with any Kafka client
 * (JSON, key {@code <collection>/<externalId>} so a document's versions stay in order); ingest-service's REST
 * intake publishes it too. Give either {@code text} or {@code content} (a file, base64) with an optional
 * {@code fileName} as a hint for type detection.
 *
 * @param collection the collection to add the document to
 * @param externalId the id the user's system knows the document by; re-sending it makes a new version (or
 * nothing, when title, metadata and content are unchanged). Without one every record is a new document
 * @param title the title, if any (else the one the file carries)
 * @param text the document's text
 * @param content the document's file, base64-encoded (PDF, HTML, Markdown, DOCX, plain text, …)
 * @param fileName the file's name, a hint only: the type is detected from the content
 * @param metadata JSON object copied onto every chunk, for search filters
 * @param documentId set only by ingest-service's REST intake, whose content is stored already: leave it out
 * @param version set only by ingest-service's REST intake: leave it out
 */
public record DocumentRecord(String collection, String externalId, String title, String text, String content,
		String fileName, Map<String, Object> metadata, String documentId, Long version) {

	/** A record referring to a document version that ingest-service has stored already. */
	public static DocumentRecord stored(String collection, String externalId, String documentId, long version) {
		return new DocumentRecord(collection, externalId, null, null, null, null, null, documentId, version);
	}

	/** The Kafka record key that keeps a document's records in one partition, in order. */
	public static String key(String collection, String externalId) {
		return collection + "/" + externalId;
	}

}
