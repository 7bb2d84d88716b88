package dev.ragplatform.ingest.parse;

/**
 * The text of a document and what it is.
 *
 * @param text the text: verbatim for plain text and Markdown, Markdown-like for everything else
 * @param mediaType the base media type the text was parsed as, e.g. {@code application/pdf}
 * @param title the title from the document's own metadata, or {@code null}
 */
public record ParsedDocument(String text, String mediaType, String title) {
}
