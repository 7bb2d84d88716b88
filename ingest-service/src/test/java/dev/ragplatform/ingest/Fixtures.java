package dev.ragplatform.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;

/** Documents built in the test, with the libraries Tika brings (PDFBox, POI): no binary fixtures in the repository. */
public final class Fixtures {

	private Fixtures() {
	}

	/** A Markdown article: a heading, paragraphs of filler, {@code sentence} in the middle, more filler. */
	public static String article(String heading, String sentence) {
		StringBuilder text = new StringBuilder("# ").append(heading).append("\n\n");
		for (int p = 0; p < 6; p++) {
			if (p == 3) {
				text.append(sentence).append("\n\n");
			}
			text.append("Paragraph ").append(p).append(" describes field observations in plain words. ")
				.append("Samples were collected at dawn and dusk over several weeks. ")
				.append("Each measurement was repeated three times and averaged before analysis.\n\n");
		}
		return text.toString().strip();
	}

	/** A one-page PDF whose document information carries {@code title}, with {@code sentence} as its text. */
	public static byte[] pdf(String title, String sentence) {
		try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			document.getDocumentInformation().setTitle(title);
			PDPage page = new PDPage();
			document.addPage(page);
			try (PDPageContentStream content = new PDPageContentStream(document, page)) {
				content.beginText();
				content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
				content.newLineAtOffset(50, 700);
				content.showText(sentence);
				content.newLineAtOffset(0, -30);
				content.showText("A second paragraph follows the first one.");
				content.endText();
			}
			document.save(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A DOCX with a Heading1 paragraph and a body paragraph. */
	public static byte[] docx(String heading, String body) {
		try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			var styles = document.createStyles();
			var style = org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle.Factory.newInstance();
			style.setStyleId("Heading1");
			style.addNewName().setVal("heading 1");
			styles.addStyle(new org.apache.poi.xwpf.usermodel.XWPFStyle(style, styles));
			XWPFParagraph title = document.createParagraph();
			title.setStyle("Heading1");
			title.createRun().setText(heading);
			document.createParagraph().createRun().setText(body);
			document.getProperties().getCoreProperties().setTitle(heading);
			document.write(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The bytes of a 1×1 PNG. */
	public static byte[] png() {
		return java.util.Base64.getDecoder()
			.decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
	}

	/** A ZIP archive holding one text file. */
	public static byte[] zip() {
		try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("inside.txt"));
			zip.write("inside".getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
			zip.finish();
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
