package dev.ragplatform.llm.api;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Names of API methods ({@code package.Class.method}, constructors {@code package.Class.Class}) as an LLM writes
 * them, and how close two are. A near miss — a typo in the method ({@code Integer.parseInteger}), the right method
 * on a sibling class ({@code java.util.List.addElement} for {@code java.util.Vector.addElement}), a name without
 * its package ({@code Integer.parseInt}) — scores high; an invented method scores low.
 */
final class ApiNames {

	/** Share of the method name in {@link #similarity}: the method says what is done. */
	static final double METHOD_WEIGHT = 0.6;

	/** Share of the simple class name. */
	static final double CLASS_WEIGHT = 0.25;

	/** Share of the package: 1 when equal, ½ when the LLM gave none, 0 otherwise. */
	static final double PACKAGE_WEIGHT = 0.15;

	private ApiNames() {
	}

	/**
	 * The name as the API collection spells it: without arguments ({@code parseInt(String)}), generics, a trailing
	 * {@code ()}, {@code #} for the method separator, spaces or a trailing dot.
	 */
	static String normalize(String name) {
		if (name == null) {
			return "";
		}
		String n = name.strip();
		int paren = n.indexOf('(');
		if (paren >= 0) {
			n = n.substring(0, paren);
		}
		n = n.replaceAll("<[^>]*>", "").replace('#', '.').replace("::", ".").replaceAll("\\s+", "");
		while (n.endsWith(".")) {
			n = n.substring(0, n.length() - 1);
		}
		return n;
	}

	/** Splits a normalized name into package, class (simple, dotted when nested) and method. */
	static Parts parse(String name) {
		String n = normalize(name);
		int lastDot = n.lastIndexOf('.');
		if (lastDot < 0) {
			return new Parts("", "", n);
		}
		String method = n.substring(lastDot + 1);
		String owner = n.substring(0, lastDot);
		String[] segments = owner.split("\\.");
		int firstType = -1;
		for (int i = 0; i < segments.length; i++) {
			if (!segments[i].isEmpty() && Character.isUpperCase(segments[i].charAt(0))) {
				firstType = i;
				break;
			}
		}
		if (firstType < 0) {
			firstType = segments.length - 1; // all lower case: take the last segment as the class
		}
		String pkg = String.join(".", java.util.Arrays.copyOfRange(segments, 0, firstType));
		String type = String.join(".", java.util.Arrays.copyOfRange(segments, firstType, segments.length));
		return new Parts(pkg, type, method);
	}

	/**
	 * How close a name is to an existing one, in [0, 1]: {@value #METHOD_WEIGHT} × method similarity +
	 * {@value #CLASS_WEIGHT} × class similarity + {@value #PACKAGE_WEIGHT} × package agreement, where a similarity
	 * is 1 − Levenshtein distance / length of the longer name, case-insensitive.
	 */
	static double similarity(String name, String existing) {
		Parts a = parse(name);
		Parts b = parse(existing);
		double pkg;
		if (a.pkg().isEmpty()) {
			pkg = 0.5;
		}
		else {
			pkg = a.pkg().equalsIgnoreCase(b.pkg()) ? 1.0 : 0.0;
		}
		return METHOD_WEIGHT * textSimilarity(a.method(), b.method()) + CLASS_WEIGHT * textSimilarity(a.type(), b.type())
				+ PACKAGE_WEIGHT * pkg;
	}

	/** The existing name closest to {@code name}, if it reaches {@code threshold}. */
	static Optional<Match> closest(String name, Collection<String> existing, double threshold) {
		Match best = null;
		for (String candidate : existing) {
			double s = similarity(name, candidate);
			if (s >= threshold && (best == null || s > best.similarity()
					|| (s == best.similarity() && candidate.compareTo(best.api()) < 0))) {
				best = new Match(candidate, s);
			}
		}
		return Optional.ofNullable(best);
	}

	static double textSimilarity(String a, String b) {
		String x = a.toLowerCase(Locale.ROOT);
		String y = b.toLowerCase(Locale.ROOT);
		int longer = Math.max(x.length(), y.length());
		return (longer == 0) ? 1.0 : 1.0 - (double) levenshtein(x, y) / longer;
	}

	static int levenshtein(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/** Words of a name for a search: {@code java.util.List.addElement} → {@code List addElement add Element}. */
	static String searchText(String name) {
		Parts parts = parse(name);
		String method = parts.method();
		String split = method.replaceAll("(?<=\\p{Ll})(?=\\p{Lu})", " ");
		return (parts.type() + " " + method + (split.equals(method) ? "" : " " + split)).strip();
	}

	/**
	 * A name's parts.
	 *
	 * @param pkg the package, empty when the name has none
	 * @param type the simple class name (dotted for nested types, {@code Map.Entry})
	 * @param method the method (for a constructor, the class's simple name)
	 */
	record Parts(String pkg, String type, String method) {

		/** The fully qualified type, as the API collection's {@code type} metadata has it. */
		String qualifiedType() {
			return this.pkg.isEmpty() ? this.type : this.pkg + "." + this.type;
		}

	}

	/** An existing name and how close it is. */
	record Match(String api, double similarity) {
	}

}
