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
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

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

	/**
	 * A one-page PDF whose document information carries {@code title}: paragraphs separated by a gap the text
	 * extractor reads as a paragraph break, a paragraph's {@code \n}-separated lines one under the other.
	 */
	public static byte[] pdf(String title, boolean encrypted, String... paragraphs) {
		try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			PDPage page = new PDPage(PDRectangle.A4);
			document.addPage(page);
			try (PDPageContentStream content = new PDPageContentStream(document, page)) {
				content.beginText();
				content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
				content.setLeading(14);
				content.newLineAtOffset(72, 760);
				for (int p = 0; p < paragraphs.length; p++) {
					if (p > 0) {
						content.newLineAtOffset(0, -42); // three lines down: a new paragraph
					}
					String[] lines = paragraphs[p].split("\n");
					for (int l = 0; l < lines.length; l++) {
						if (l > 0) {
							content.newLine();
						}
						content.showText(lines[l]);
					}
				}
				content.endText();
			}
			document.getDocumentInformation().setTitle(title);
			if (encrypted) {
				document.protect(new StandardProtectionPolicy("owner", "user", new AccessPermission()));
			}
			document.save(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A DOCX titled {@code title}: a "heading 1" paragraph, then body paragraphs. */
	public static byte[] docx(String title, String heading, String... paragraphs) {
		try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			// Tika maps a paragraph style to h1 by the style's name, so the styles part must define it
			CTStyle style = CTStyle.Factory.newInstance();
			style.setStyleId("Heading1");
			style.setType(STStyleType.PARAGRAPH);
			style.addNewName().setVal("heading 1");
			document.createStyles().addStyle(new XWPFStyle(style));
			XWPFParagraph first = document.createParagraph();
			first.setStyle("Heading1");
			first.createRun().setText(heading);
			for (String paragraph : paragraphs) {
				document.createParagraph().createRun().setText(paragraph);
			}
			document.getProperties().getCoreProperties().setTitle(title);
			document.write(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A one-page PDF of {@code paragraph} and an image of random pixels (which no compression shrinks) that makes
	 * the file about {@code size} bytes: a large file with little text, like a scanned report.
	 */
	public static byte[] pdfWithImage(String paragraph, int size) {
		int side = (int) Math.sqrt(size / 3.0);
		java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(side, side,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		java.util.Random random = new java.util.Random(size);
		for (int y = 0; y < side; y++) {
			for (int x = 0; x < side; x++) {
				image.setRGB(x, y, random.nextInt(0x1000000));
			}
		}
		try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			PDPage page = new PDPage(PDRectangle.A4);
			document.addPage(page);
			var picture = org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory.createFromImage(document, image);
			try (PDPageContentStream content = new PDPageContentStream(document, page)) {
				content.beginText();
				content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
				content.newLineAtOffset(72, 760);
				content.showText(paragraph);
				content.endText();
				content.drawImage(picture, 72, 100, 450, 450);
			}
			document.save(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A DOCX of {@code paragraph} and a picture of random bytes that makes the file about {@code size} bytes. */
	public static byte[] docxWithPicture(String paragraph, int size) {
		byte[] picture = new byte[size];
		new java.util.Random(size).nextBytes(picture);
		try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			document.createParagraph().createRun().setText(paragraph);
			document.createParagraph()
				.createRun()
				.addPicture(new java.io.ByteArrayInputStream(picture), org.apache.poi.xwpf.usermodel.Document.PICTURE_TYPE_PNG,
						"scan.png", 4_000_000, 4_000_000);
			document.write(out);
			return out.toByteArray();
		}
		catch (IOException | org.apache.poi.openxml4j.exceptions.InvalidFormatException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Text of {@code size} bytes in {@code format}: "text", "markdown" (a heading every 40 lines) or "html" (headings
	 * and paragraphs). Its words are English ones (seeded, so the same every run), or single letters when
	 * {@code dense}: a token per two characters, the most tokens a text of that size can hold.
	 */
	public static byte[] prose(String format, int size, boolean dense) {
		String[] words = dense ? "abcdefghijklmnopqrstuvwxyz".split("")
				: ("the court held that appellant respondent evidence section act judgment appeal order "
						+ "petition high supreme bench learned counsel argued contract property tax service criminal "
						+ "civil procedure witness statement record finding facts question law constitution article "
						+ "right state government notice hearing decision relief damages liability clause agreement "
						+ "party").split(" ");
		java.util.Random random = new java.util.Random(42);
		StringBuilder text = new StringBuilder(size + 200);
		if (format.equals("html")) {
			text.append("<!DOCTYPE html><html><head><title>Judgment</title></head><body>\n");
		}
		int line = 0;
		while (text.length() < size - 100) {
			if (line % 40 == 0) {
				switch (format) {
					case "markdown" -> text.append("\n## Part ").append(line / 40).append("\n\n");
					case "html" -> text.append("<h2>Part ").append(line / 40).append("</h2>\n<p>");
					default -> text.append("\n");
				}
			}
			for (int w = 0; w < 12; w++) {
				text.append(words[random.nextInt(words.length)]).append(w == 11 ? ".\n" : " ");
			}
			line++;
			if (format.equals("html") && line % 40 == 0) {
				text.append("</p>\n");
			}
		}
		if (format.equals("html")) {
			text.append("</p></body></html>\n");
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
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

	/** A JDK-layout source archive ({@code <module>/<package path>/X.java}) of a small API with javadoc. */
	public static byte[] javaSources() {
		String numbers = """
				package demo.text;

				/** Number parsing. */
				public final class Numbers {

					/** Creates an instance; see {@link #parse(String)}. */
					public Numbers() {
					}

					/**
					 * Parses the string argument as a signed decimal integer. The characters must all be digits.
					 * @param s the {@code String} to parse
					 */
					public static int parse(String s) {
						return Integer.parseInt(s);
					}

					/** Parses the string argument as a signed integer in the radix given by the second argument. */
					public static int parse(String s, int radix) {
						return Integer.parseInt(s, radix);
					}

					private static void hidden() {
					}

					/** Formatting helpers. */
					public static class Format {

						/** Pads a number with leading zeros to the given <b>width</b>. */
						public static String pad(int value, int width) {
							return String.format("%0" + width + "d", value);
						}

					}

				}
				""";
		String shapes = """
				package demo.geometry;

				/** Something with an area. */
				public interface Shape {

					/** Returns the area of the shape in square units. */
					double area();

					private void helper() {
					}

				}
				""";
		String internal = """
				package demo.internal;

				class NotPublic {

					public void invisible() {
					}

				}
				""";
		try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
			for (String[] file : new String[][] { { "demo.base/demo/text/Numbers.java", numbers },
					{ "demo.base/demo/geometry/Shape.java", shapes },
					{ "demo.base/demo/internal/NotPublic.java", internal },
					{ "demo.other/demo/other/Other.java", "package demo.other; public class Other { public void x() {} }" },
					{ "demo.base/demo/hidden/Secret.java", "package demo.hidden; public class Secret { public void y() {} }" },
					{ "demo.base/module-info.java", "module demo.base {\n  exports demo.text;\n  exports demo.geometry;\n"
							+ "  // exports demo.commented;\n  exports demo.hidden to demo.other;\n}" } }) {
				zip.putNextEntry(new ZipEntry(file[0]));
				zip.write(file[1].getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
			}
			zip.finish();
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
