package dev.ragplatform.ingest.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ragplatform.ingest.config.IngestProperties;

import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.AutoDetectReader;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.ContentHandlerDecorator;
import org.apache.tika.sax.WriteOutContentHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.stereotype.Component;

import static java.util.Map.entry;

/**
 * Turns uploaded bytes into text. The media type is detected from the content, the file name being only a hint.
 * Plain text and Markdown are decoded and kept verbatim, so offsets into the text are offsets into the source;
 * other documents go through Tika (no OCR, no network) into Markdown-like text that keeps headings, lists, code and
 * tables, which is what the chunker splits on.
 * <p>
 * Parsing is bounded. Tika refuses zip bombs (an entry inflating more than 100-fold), element nesting deeper than 100
 * levels and external entities; the text is cut off at {@link #WRITE_LIMIT} characters; and a parse that outlasts
 * {@code rag.ingest.limits.parse-timeout} is stopped: the content handler fails at the next piece of text or element
 * after the deadline, and the caller stops waiting shortly after it in any case (a parser that loops without
 * producing anything is left to finish on its own thread, logged and counted, rather than block the pipeline).
 */
@Component
public class DocumentParser {

	private static final Logger logger = LoggerFactory.getLogger(DocumentParser.class);

	/** How long past the deadline the caller waits for a parser that produces nothing to notice it. */
	private static final Duration GRACE = Duration.ofSeconds(2);

	/** Characters of text taken from one document; a longer one is refused rather than silently cut. */
	static final int WRITE_LIMIT = 32_000_000;

	static final String MARKDOWN = "text/markdown";

	// parsed by Tika into structured text; the value names the format in failure reasons
	private static final Map<String, String> DOCUMENTS = Map.ofEntries(entry("application/pdf", "PDF"),
			entry("text/html", "HTML"), entry("application/xhtml+xml", "XHTML"),
			entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
			entry("application/msword", "DOC"), entry("application/vnd.oasis.opendocument.text", "ODT"),
			entry("application/rtf", "RTF"), entry("application/epub+zip", "EPUB"));

	private static final Set<String> MARKDOWN_TYPES = Set.of(MARKDOWN, "text/x-markdown", "text/x-web-markdown");

	// SVG and the like are XML, hence text to Tika, but not text a person reads
	private static final Set<String> MEDIA = Set.of("image", "audio", "video");

	private final TikaConfig tika = TikaConfig.getDefaultConfig();

	private final Parser parser = new AutoDetectParser(this.tika);

	private final ExecutorService parsing = Executors.newThreadPerTaskExecutor(
			Thread.ofPlatform().name("tika-parse-", 0).daemon().factory());

	private final Duration timeout;

	/** With a time limit of two minutes per document. */
	public DocumentParser() {
		this(Duration.ofMinutes(2));
	}

	@Autowired
	DocumentParser(IngestProperties properties) {
		this(properties.limits().parseTimeout());
	}

	DocumentParser(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * The base media type of the content, e.g. {@code application/pdf}; the file name (may be {@code null}) only
	 * refines what the bytes say, so text named {@code x.pdf} is {@code text/plain} and text named {@code x.md} is
	 * {@code text/markdown}.
	 */
	public String detect(byte[] content, String fileName) {
		if (content.length == 0) {
			// no bytes, no format: the name alone would make "empty.pdf" a corrupt PDF instead of an empty text
			return MediaType.TEXT_PLAIN.toString();
		}
		Metadata metadata = new Metadata();
		if (fileName != null && !fileName.isBlank()) {
			metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
		}
		try (TikaInputStream stream = TikaInputStream.get(content)) {
			String type = this.tika.getDetector().detect(stream, metadata).getBaseType().toString();
			return MARKDOWN_TYPES.contains(type) ? MARKDOWN : type;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether {@link #parse} takes this media type: documents and text, not images, archives or binaries. */
	public boolean supported(String mediaType) {
		MediaType type = MediaType.parse(mediaType);
		return type != null && (DOCUMENTS.containsKey(type.getBaseType().toString()) || isText(type.getBaseType()));
	}

	/**
	 * The text of the content, parsed as the given media type (as {@link #detect} reports it).
	 * @throws UnsupportedMediaTypeException if the type is not {@link #supported}
	 * @throws UnparseableDocumentException if the document is encrypted, corrupt or too long
	 */
	public ParsedDocument parse(byte[] content, String mediaType) {
		if (!supported(mediaType)) {
			throw new UnsupportedMediaTypeException(mediaType);
		}
		MediaType type = MediaType.parse(mediaType).getBaseType();
		String name = DOCUMENTS.get(type.toString());
		if (name == null) {
			return new ParsedDocument(decode(content),
					MARKDOWN_TYPES.contains(type.toString()) ? MARKDOWN : type.toString(), null);
		}
		if (content.length == 0) {
			return new ParsedDocument("", type.toString(), null);
		}
		return extract(content, type, name);
	}

	private boolean isText(MediaType type) {
		return type.getType().equals("text") || (!MEDIA.contains(type.getType())
				&& this.tika.getMediaTypeRegistry().isSpecializationOf(type, MediaType.TEXT_PLAIN));
	}

	private static String decode(byte[] content) {
		// AutoDetectReader detects the charset and drops a byte-order mark; nothing else is touched
		try (AutoDetectReader reader = new AutoDetectReader(new ByteArrayInputStream(content))) {
			StringWriter text = new StringWriter(content.length);
			reader.transferTo(text);
			return text.toString();
		}
		catch (IOException | TikaException ex) {
			throw new UnparseableDocumentException("text in an unknown character encoding: " + ex.getMessage(), ex);
		}
	}

	private ParsedDocument extract(byte[] content, MediaType type, String name) {
		Metadata metadata = new Metadata();
		metadata.set(Metadata.CONTENT_TYPE, type.toString());
		MarkdownContentHandler markdown = new MarkdownContentHandler();
		Deadline deadline = new Deadline(markdown, System.nanoTime() + this.timeout.toNanos());
		Future<?> parse = this.parsing.submit(() -> {
			try (TikaInputStream stream = TikaInputStream.get(content)) {
				this.parser.parse(stream, new WriteOutContentHandler(deadline, WRITE_LIMIT), metadata, context());
			}
			return null;
		});
		try {
			parse.get(this.timeout.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			parse.cancel(true);
			logger.warn("A {} parse of {} bytes outlasted its time limit without producing anything; it is abandoned "
					+ "on its thread", name, content.length);
			throw tooSlow(name, ex);
		}
		catch (InterruptedException ex) {
			parse.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while parsing", ex);
		}
		catch (ExecutionException ex) {
			if (deadline.expired) {
				throw tooSlow(name, ex.getCause());
			}
			failed(name, ex.getCause());
		}
		String title = metadata.get(TikaCoreProperties.TITLE);
		return new ParsedDocument(markdown.text(), type.toString(),
				(title != null && !title.isBlank()) ? title.strip() : null);
	}

	private UnparseableDocumentException tooSlow(String name, Throwable cause) {
		long millis = this.timeout.toMillis();
		String limit = (millis % 1000 == 0) ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0);
		return new UnparseableDocumentException(name + " took longer than " + limit + " s to parse "
				+ "(rag.ingest.limits.parse-timeout)", cause);
	}

	private static void failed(String name, Throwable failure) {
		try {
			throw failure;
		}
		catch (EncryptedDocumentException ex) {
			throw new UnparseableDocumentException(name + " is encrypted", ex);
		}
		catch (IOException | SAXException | TikaException ex) {
			if (WriteLimitReachedException.isWriteLimitReached(ex)) {
				throw new UnparseableDocumentException(name + " has more than " + WRITE_LIMIT + " characters of text",
						ex);
			}
			throw new UnparseableDocumentException("corrupt " + name + ": " + rootMessage(ex), ex);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Fails the parse at the first event after the deadline. */
	private static final class Deadline extends ContentHandlerDecorator {

		private final long deadline;

		private volatile boolean expired;

		Deadline(ContentHandler handler, long deadline) {
			super(handler);
			this.deadline = deadline;
		}

		private void check() throws SAXException {
			if (System.nanoTime() > this.deadline) {
				this.expired = true;
				throw new SAXException("the parse outlasted its time limit");
			}
		}

		@Override
		public void startElement(String uri, String localName, String name, Attributes atts) throws SAXException {
			check();
			super.startElement(uri, localName, name, atts);
		}

		@Override
		public void endElement(String uri, String localName, String name) throws SAXException {
			check();
			super.endElement(uri, localName, name);
		}

		@Override
		public void characters(char[] ch, int start, int length) throws SAXException {
			check();
			super.characters(ch, start, length);
		}

		@Override
		public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
			check();
			super.ignorableWhitespace(ch, start, length);
		}

	}

	private static ParseContext context() {
		PDFParserConfig pdf = new PDFParserConfig();
		pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
		pdf.setExtractInlineImages(false);
		TesseractOCRConfig ocr = new TesseractOCRConfig();
		ocr.setSkipOcr(true);
		ParseContext context = new ParseContext();
		context.set(PDFParserConfig.class, pdf);
		context.set(TesseractOCRConfig.class, ocr);
		return context;
	}

	// Tika's own message mostly names the parser that failed; the root cause says what is wrong with the bytes
	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : ex.getMessage();
		return (message != null) ? message.strip() : ex.getClass().getSimpleName();
	}

}
