package dev.ragplatform.ingest.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.ragplatform.ingest.Fixtures;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DocumentParserTests {

	private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

	private static final String SENTENCE = "Chunk offsets must point into the source text.";

	private final DocumentParser parser = new DocumentParser();

	@Test
	void pdfParagraphsAndTitleComeOut() throws IOException {
		byte[] pdf = pdf(false);
		assertThat(this.parser.detect(pdf, "report.pdf")).isEqualTo("application/pdf");
		assertThat(this.parser.detect(pdf, null)).isEqualTo("application/pdf");

		ParsedDocument document = this.parser.parse(pdf, "application/pdf");
		assertThat(document.mediaType()).isEqualTo("application/pdf");
		assertThat(document.title()).isEqualTo("Offsets Guide");
		assertThat(document.text())
			.contains("The first paragraph talks about vector search. It wraps onto a second line.")
			.contains(SENTENCE)
			.doesNotContain("\n\n\n")
			.isEqualTo(document.text().strip());
		assertThat(document.text().split("\n\n")).hasSize(2);
	}

	@Test
	void docxHeadingStylesBecomeMarkdownHeadings() throws IOException {
		byte[] docx = docx();
		assertThat(this.parser.detect(docx, "guide.docx")).isEqualTo(DOCX);
		assertThat(this.parser.detect(docx, "guide.txt")).isEqualTo(DOCX);

		ParsedDocument document = this.parser.parse(docx, DOCX);
		assertThat(document.title()).isEqualTo("Install Guide");
		assertThat(document.text()).isEqualTo("# Installation\n\nRun the installer twice.\n\n" + SENTENCE);
	}

	@Test
	void htmlKeepsHeadingsListsCodeAndTables() {
		String html = """
				<!DOCTYPE html>
				<html><head><title>Search  Guide</title><style>p { color: red }</style></head>
				<body>
				<h1>Search</h1>
				<p>Hybrid   search
				   mixes &amp; ranks.</p>
				<h2>Steps</h2>
				<ul><li>Embed the query</li><li><p>Fuse the <b>lists</b></p></li></ul>
				<pre><code>int k = 60;
				return 1.0 / (k + rank);</code></pre>
				<table><tr><th>name</th><th>score</th></tr><tr><td>bm25</td><td><p>0.4</p></td></tr></table>
				<script>alert("not text")</script>
				</body></html>
				""";
		byte[] content = html.getBytes(StandardCharsets.UTF_8);
		assertThat(this.parser.detect(content, "page.txt")).isEqualTo("text/html");

		ParsedDocument document = this.parser.parse(content, "text/html");
		assertThat(document.title()).isEqualTo("Search  Guide");
		assertThat(document.text()).isEqualTo("""
				# Search

				Hybrid search mixes & ranks.

				## Steps

				- Embed the query
				- Fuse the lists

				```
				int k = 60;
				return 1.0 / (k + rank);
				```

				name | score
				bm25 | 0.4""");
	}

	@Test
	void markdownIsDetectedByNameButKeptVerbatim() {
		String markdown = "# Title\r\n\r\nSome  *text*   with   spaces.\r\n\r\n```\r\ncode\r\n```\r\n";
		byte[] content = markdown.getBytes(StandardCharsets.UTF_8);
		assertThat(this.parser.detect(content, "README.md")).isEqualTo("text/markdown");
		assertThat(this.parser.detect(content, "notes.markdown")).isEqualTo("text/markdown");
		assertThat(this.parser.detect(content, "notes.txt")).isEqualTo("text/plain");

		ParsedDocument document = this.parser.parse(content, "text/markdown");
		assertThat(document.text()).isEqualTo(markdown);
		assertThat(document.mediaType()).isEqualTo("text/markdown");
		assertThat(document.title()).isNull();
	}

	@Test
	void plainTextIsDecodedAndOtherwiseUntouched() {
		String text = "Café   crème\n\n\n  brûlée\tnaïve\r\n";
		assertThat(parsedText(text.getBytes(StandardCharsets.UTF_16))).isEqualTo(text);
		assertThat(parsedText(text.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(text);
		byte[] bom = "\uFEFFplain 😀 text".getBytes(StandardCharsets.UTF_8);
		assertThat(parsedText(bom)).isEqualTo("plain 😀 text");
		assertThat(this.parser.parse(new byte[0], "text/plain").text()).isEmpty();
	}

	@Test
	void typeComesFromTheContentNotTheName() throws IOException {
		byte[] text = "just some words".getBytes(StandardCharsets.UTF_8);
		assertThat(this.parser.detect(text, "report.pdf")).isEqualTo("text/plain");
		assertThat(this.parser.detect(text, "report.docx")).isEqualTo("text/plain");
		assertThat(this.parser.detect(new byte[0], "empty.pdf")).isEqualTo("text/plain");
		assertThat(this.parser.detect(zip(), "report.pdf")).isEqualTo("application/zip");
		assertThat(this.parser.detect(pdf(false), "notes.txt")).isEqualTo("application/pdf");
		assertThat(this.parser.detect("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "data.csv")).isEqualTo("text/csv");
	}

	@Test
	void imagesArchivesAndBinariesAreNotSupported() throws IOException {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
		assertThat(this.parser.detect(png, "picture.txt")).isEqualTo("image/png");
		assertThat(this.parser.supported(this.parser.detect(png, null))).isFalse();
		assertThat(this.parser.supported(this.parser.detect(zip(), "x.zip"))).isFalse();
		assertThatExceptionOfType(UnsupportedMediaTypeException.class)
			.isThrownBy(() -> this.parser.parse(png, "image/png"))
			.satisfies((ex) -> assertThat(ex.mediaType()).isEqualTo("image/png"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/pdf", "text/html", "application/xhtml+xml", "text/markdown", "text/plain",
			"text/plain; charset=UTF-8", "text/csv", "application/json", DOCX, "application/msword",
			"application/vnd.oasis.opendocument.text", "application/rtf", "application/epub+zip" })
	void documentsAndTextAreSupported(String mediaType) {
		assertThat(this.parser.supported(mediaType)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "image/png", "image/svg+xml", "application/zip", "application/x-tar", "application/gzip",
			"application/x-msdownload", "application/x-executable", "audio/mpeg", "video/mp4",
			"application/octet-stream", "not a type" })
	void binariesAreNotSupported(String mediaType) {
		assertThat(this.parser.supported(mediaType)).isFalse();
	}

	@Test
	void corruptAndEncryptedDocumentsSayWhy() throws IOException {
		byte[] pdf = pdf(false);
		assertThatExceptionOfType(UnparseableDocumentException.class)
			.isThrownBy(() -> this.parser.parse(Arrays.copyOf(pdf, pdf.length / 3), "application/pdf"))
			.withMessageStartingWith("corrupt PDF: ");
		byte[] docx = docx();
		assertThatExceptionOfType(UnparseableDocumentException.class)
			.isThrownBy(() -> this.parser.parse(Arrays.copyOf(docx, docx.length / 2), DOCX))
			.withMessageStartingWith("corrupt DOCX: ");
		assertThatExceptionOfType(UnparseableDocumentException.class)
			.isThrownBy(() -> this.parser.parse(pdf(true), "application/pdf"))
			.withMessage("PDF is encrypted");
	}

	@Test
	void aDocumentWithoutTextParsesToBlankText() throws IOException {
		try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			document.addPage(new PDPage());
			document.save(out);
			assertThat(this.parser.parse(out.toByteArray(), "application/pdf").text()).isBlank();
		}
		byte[] html = "<html><body><p> </p></body></html>".getBytes(StandardCharsets.UTF_8);
		assertThat(this.parser.parse(html, "text/html").text()).isEmpty();
	}

	private String parsedText(byte[] content) {
		String mediaType = this.parser.detect(content, "notes.txt");
		assertThat(mediaType).isEqualTo("text/plain");
		return this.parser.parse(content, mediaType).text();
	}

	private static byte[] pdf(boolean encrypted) {
		return Fixtures.pdf("Offsets Guide", encrypted,
				"The first paragraph talks about vector search.\nIt wraps onto a second line.", SENTENCE);
	}

	// resource bombs: each ends as a clear refusal, quickly, instead of exhausting the heap or a thread

	@Test
	void aZipBombDocxIsRefused() throws IOException {
		// word/document.xml inflates 1000-fold: 64 MB of text from about 64 KB
		byte[] bomb = replaceEntry(docx(), "word/document.xml", (xml) -> xml.replace(SENTENCE,
				"a".repeat(64 << 20)));
		assertThat(bomb.length).isLessThan(1 << 20);
		long started = System.nanoTime();
		assertThatExceptionOfType(UnparseableDocumentException.class).isThrownBy(() -> this.parser.parse(bomb, DOCX))
			.withMessageContaining("zip bomb");
		assertThat((System.nanoTime() - started) / 1e9).isLessThan(30);
	}

	@Test
	void deeplyNestedHtmlIsRefusedOrFlattenedWithoutAStackOverflow() {
		String html = "<html><body>" + "<div>".repeat(200_000) + "deep" + "</div>".repeat(200_000) + "</body></html>";
		byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
		try {
			assertThat(this.parser.parse(bytes, "text/html").text()).contains("deep");
		}
		catch (UnparseableDocumentException refused) {
			assertThat(refused.getMessage()).contains("HTML");
		}
	}

	@Test
	void externalEntitiesAreNeverRead() {
		String xhtml = """
				<?xml version="1.0"?>
				<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
				<html xmlns="http://www.w3.org/1999/xhtml"><body><p>before &secret; after</p></body></html>
				""";
		try {
			String text = this.parser.parse(xhtml.getBytes(StandardCharsets.UTF_8), "application/xhtml+xml").text();
			assertThat(text).doesNotContain("root:");
		}
		catch (UnparseableDocumentException refused) {
			assertThat(refused.getMessage()).doesNotContain("root:");
		}
	}

	@Test
	void entityExpansionIsNotAmplified() {
		StringBuilder entities = new StringBuilder("<!ENTITY l0 \"lol\">");
		for (int i = 1; i <= 9; i++) {
			entities.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
		}
		String xhtml = "<?xml version=\"1.0\"?><!DOCTYPE html [" + entities + "]><html xmlns=\"http://www.w3.org/1999/xhtml\">"
				+ "<body><p>&l9;</p></body></html>";
		long started = System.nanoTime();
		try {
			String text = this.parser.parse(xhtml.getBytes(StandardCharsets.UTF_8), "application/xhtml+xml").text();
			assertThat(text.length()).isLessThan(1_000_000);
		}
		catch (UnparseableDocumentException refused) {
			assertThat(refused.getMessage()).isNotBlank();
		}
		assertThat((System.nanoTime() - started) / 1e9).isLessThan(30);
	}

	@Test
	void aParseThatOutlastsItsTimeLimitIsStoppedWithTheReason() {
		StringBuilder html = new StringBuilder("<html><body>");
		for (int i = 0; i < 200_000; i++) {
			html.append("<p>paragraph ").append(i).append(" of a long page</p>");
		}
		byte[] bytes = html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
		DocumentParser hurried = new DocumentParser(java.time.Duration.ofMillis(50));
		long started = System.nanoTime();
		assertThatExceptionOfType(UnparseableDocumentException.class)
			.isThrownBy(() -> hurried.parse(bytes, "text/html"))
			.withMessageContaining("HTML took longer than 0.05 s to parse")
			.withMessageContaining("rag.ingest.limits.parse-timeout");
		assertThat((System.nanoTime() - started) / 1e9).as("stopped near the limit").isLessThan(5);
		assertThat(this.parser.parse(bytes, "text/html").text()).as("the default limit lets it finish")
			.contains("paragraph 199999");
	}

	private static byte[] replaceEntry(byte[] zip, String name, java.util.function.UnaryOperator<String> change)
			throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip));
				var rewritten = new java.util.zip.ZipOutputStream(out)) {
			rewritten.setLevel(9);
			for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				byte[] bytes = in.readAllBytes();
				if (entry.getName().equals(name)) {
					bytes = change.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
				}
				rewritten.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
				rewritten.write(bytes);
				rewritten.closeEntry();
			}
		}
		return out.toByteArray();
	}

	private static byte[] docx() {
		return Fixtures.docx("Install Guide", "Installation", "Run the   installer twice.", SENTENCE);
	}

	private static byte[] zip() {
		return Fixtures.zip();
	}

}
