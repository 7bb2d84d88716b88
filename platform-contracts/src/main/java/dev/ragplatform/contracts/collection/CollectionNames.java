package dev.ragplatform.contracts.collection;

import java.util.regex.Pattern;

/**
 * What a collection may be called, everywhere: lower-case letters, digits, {@code _} and {@code -}, starting with a
 * letter or digit, at most 63 characters (it becomes part of URLs, partition names and metric tags). The admin
 * console's form uses the same {@link #REGEX}.
 */
public final class CollectionNames {

	/** The rule as a regular expression (also for HTML {@code pattern} attributes). */
	// the hyphen escaped: browsers compile an HTML pattern with the v flag, which refuses a bare "-" in a class (the
	// form's check then never ran); Java reads both spellings alike
	public static final String REGEX = "[a-z0-9][a-z0-9_\\-]{0,62}";

	public static final Pattern PATTERN = Pattern.compile(REGEX);

	private CollectionNames() {
	}

	public static boolean isValid(String name) {
		return name != null && PATTERN.matcher(name).matches();
	}

}
