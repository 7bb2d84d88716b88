package dev.ragplatform.ingest.parse;

import java.util.Locale;
import java.util.Set;

import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Writes the XHTML that Tika's parsers emit as Markdown-like text: {@code h1}..{@code h6} as {@code #} lines,
 * blocks separated by one blank line, list items as {@code - } lines, {@code pre} as a fenced code block and table
 * rows as cells joined by {@code  | }. Whitespace inside a block is collapsed, as a browser would.
 */
final class MarkdownContentHandler extends DefaultHandler {

	private static final Set<String> BLOCKS = Set.of("p", "div", "blockquote", "br", "hr", "section", "article",
			"header", "footer", "nav", "aside", "main", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
			"tfoot", "caption", "figure", "figcaption", "address", "form", "fieldset", "body");

	// the head repeats the title and metadata; scripts and styles are not text
	private static final Set<String> SKIPPED = Set.of("head", "title", "script", "style");

	private final StringBuilder text = new StringBuilder();

	private final StringBuilder block = new StringBuilder();

	private final StringBuilder code = new StringBuilder();

	/** What the block being collected is: decides its prefix and whether it hugs a previous one of its kind. */
	private Kind kind = Kind.PARAGRAPH;

	private String prefix = "";

	private Kind lastKind;

	private boolean pendingSpace;

	private boolean firstCell;

	private int skipDepth;

	private int preDepth;

	private int cellDepth;

	@Override
	public void startElement(String uri, String localName, String qName, Attributes attributes) {
		String name = name(localName, qName);
		if (this.skipDepth > 0 || SKIPPED.contains(name)) {
			this.skipDepth++;
		}
		else if (this.preDepth > 0) {
			if (name.equals("pre")) {
				this.preDepth++;
			}
			else if (name.equals("br")) {
				this.code.append('\n');
			}
		}
		else if (name.equals("pre")) {
			flush();
			this.preDepth = 1;
		}
		else if (name.equals("td") || name.equals("th")) {
			if (this.cellDepth++ == 0 && !this.firstCell) {
				this.block.append(" |");
				this.pendingSpace = true;
			}
			this.firstCell = false;
		}
		else if (this.cellDepth > 0) {
			// a paragraph inside a cell (as DOCX tables have) must not break the row
			this.pendingSpace |= BLOCKS.contains(name);
		}
		else if (isHeading(name)) {
			start(Kind.HEADING, "#".repeat(name.charAt(1) - '0') + " ");
		}
		else if (name.equals("li")) {
			start(Kind.LIST_ITEM, "- ");
		}
		else if (name.equals("tr")) {
			start(Kind.ROW, "");
			this.firstCell = true;
		}
		else if (BLOCKS.contains(name)) {
			flush();
		}
	}

	@Override
	public void endElement(String uri, String localName, String qName) {
		String name = name(localName, qName);
		if (this.skipDepth > 0) {
			this.skipDepth--;
		}
		else if (this.preDepth > 0) {
			if (name.equals("pre") && --this.preDepth == 0) {
				appendCode();
			}
		}
		else if (name.equals("td") || name.equals("th")) {
			this.cellDepth--;
		}
		else if (this.cellDepth == 0 && (isHeading(name) || name.equals("li") || name.equals("tr"))) {
			flush();
			this.kind = Kind.PARAGRAPH;
			this.prefix = "";
		}
		else if (this.cellDepth == 0 && BLOCKS.contains(name)) {
			flush();
		}
	}

	@Override
	public void characters(char[] ch, int start, int length) {
		if (this.skipDepth > 0) {
			return;
		}
		if (this.preDepth > 0) {
			this.code.append(ch, start, length);
			return;
		}
		for (int i = start; i < start + length; i++) {
			if (Character.isWhitespace(ch[i]) || Character.isSpaceChar(ch[i])) {
				this.pendingSpace = !this.block.isEmpty();
			}
			else {
				if (this.pendingSpace) {
					this.block.append(' ');
					this.pendingSpace = false;
				}
				this.block.append(ch[i]);
			}
		}
	}

	@Override
	public void ignorableWhitespace(char[] ch, int start, int length) {
		characters(ch, start, length);
	}

	/** The text written so far, the block being collected included. */
	String text() {
		flush();
		return this.text.toString();
	}

	private void start(Kind kind, String prefix) {
		flush();
		this.kind = kind;
		this.prefix = prefix;
	}

	/** Ends the block being collected; an empty one leaves its kind pending, as for {@code <li><p>item</p>}. */
	private void flush() {
		String content = this.block.toString().strip();
		this.block.setLength(0);
		this.pendingSpace = false;
		if (!content.isEmpty()) {
			append(this.kind, this.prefix + content);
			this.kind = Kind.PARAGRAPH;
			this.prefix = "";
		}
	}

	private void appendCode() {
		String content = this.code.toString()
			.replace("\r\n", "\n")
			.replaceAll("(?m)^[ \\t]+$", "")
			.replaceAll("^\\n+", "")
			.replaceAll("\\n{3,}", "\n\n")
			.stripTrailing();
		this.code.setLength(0);
		if (!content.isBlank()) {
			append(Kind.CODE, "```\n" + content + "\n```");
		}
	}

	private void append(Kind kind, String content) {
		if (!this.text.isEmpty()) {
			// consecutive list items and table rows stay together, as Markdown writes them
			boolean hug = kind == this.lastKind && (kind == Kind.LIST_ITEM || kind == Kind.ROW);
			this.text.append(hug ? "\n" : "\n\n");
		}
		this.text.append(content);
		this.lastKind = kind;
	}

	private static String name(String localName, String qName) {
		return (localName.isEmpty() ? qName : localName).toLowerCase(Locale.ROOT);
	}

	private static boolean isHeading(String name) {
		return name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6';
	}

	private enum Kind {

		PARAGRAPH, HEADING, LIST_ITEM, ROW, CODE

	}

}
