package dev.ragplatform.testsupport;

import java.util.List;
import java.util.Map;

/**
 * Real JDK methods (all of {@code java.base}) as ingest-service's Java API source connector lays them out: external id
 * {@code package.Class.method(ParamTypes)}, title {@code package.Class.method}, text the name, the signature and the
 * javadoc, metadata {@code api}, {@code kind}, {@code package}, {@code type}, {@code module}. The API collection of
 * tests that recommend APIs without importing a JDK.
 */
public final class JavaApiDocs {

	private static final List<ApiDoc> JDK = List.of(
			method("java.lang.Integer.parseInt", "String", "public static int parseInt(String s) throws NumberFormatException",
					"Parses the string argument as a signed decimal integer. The characters in the string must all be "
							+ "decimal digits, except that the first character may be an ASCII minus sign '-' to indicate a "
							+ "negative value or an ASCII plus sign '+' to indicate a positive value."),
			method("java.lang.Integer.valueOf", "String", "public static Integer valueOf(String s) throws NumberFormatException",
					"Returns an Integer object holding the value of the specified String. The argument is interpreted as "
							+ "representing a signed decimal integer, exactly as if the argument were given to the "
							+ "parseInt(java.lang.String) method."),
			method("java.lang.Integer.toString", "int", "public static String toString(int i)",
					"Returns a String object representing the specified integer."),
			method("java.lang.String.split", "String", "public String[] split(String regex)",
					"Splits this string around matches of the given regular expression."),
			method("java.lang.String.trim", "", "public String trim()",
					"Returns a string whose value is this string, with all leading and trailing space removed."),
			method("java.lang.String.toUpperCase", "", "public String toUpperCase()",
					"Converts all of the characters in this String to upper case using the rules of the default locale."),
			method("java.lang.String.valueOf", "int", "public static String valueOf(int i)",
					"Returns the string representation of the int argument."),
			method("java.lang.StringBuilder.reverse", "", "public StringBuilder reverse()",
					"Causes this character sequence to be replaced by the reverse of the sequence."),
			method("java.util.List.add", "E", "boolean add(E e)",
					"Appends the specified element to the end of this list (optional operation)."),
			method("java.util.List.size", "", "int size()", "Returns the number of elements in this list."),
			method("java.util.Vector.addElement", "E", "public synchronized void addElement(E obj)",
					"Adds the specified component to the end of this vector, increasing its size by one."),
			method("java.util.Collections.sort", "List<T>",
					"public static <T extends Comparable<? super T>> void sort(List<T> list)",
					"Sorts the specified list into ascending order, according to the natural ordering of its elements."),
			method("java.util.Collections.reverse", "List<?>", "public static void reverse(List<?> list)",
					"Reverses the order of the elements in the specified list."),
			method("java.util.Arrays.asList", "T...", "public static <T> List<T> asList(T... a)",
					"Returns a fixed-size list backed by the specified array."),
			method("java.util.HashMap.entrySet", "", "public Set<Map.Entry<K,V>> entrySet()",
					"Returns a Set view of the mappings contained in this map."),
			method("java.nio.file.Files.readAllLines", "Path",
					"public static List<String> readAllLines(Path path) throws IOException", "Read all lines from a file."),
			method("java.nio.file.Files.exists", "Path,LinkOption...",
					"public static boolean exists(Path path, LinkOption... options)", "Tests whether a file exists."),
			method("java.time.LocalDate.now", "", "public static LocalDate now()",
					"Obtains the current date from the system clock in the default time-zone."));

	private JavaApiDocs() {
	}

	/** Every method documented here. */
	public static List<ApiDoc> jdk() {
		return JDK;
	}

	/** The documented methods named {@code package.Class.method}, in that order. */
	public static List<ApiDoc> jdk(String... apis) {
		return List.of(apis).stream()
			.map((api) -> JDK.stream()
				.filter((d) -> d.title().equals(api))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("no documentation of " + api + " here")))
			.toList();
	}

	private static ApiDoc method(String api, String params, String signature, String javadoc) {
		String type = api.substring(0, api.lastIndexOf('.'));
		return new ApiDoc(api + "(" + params + ")", api, api + "\n" + signature + "\n" + javadoc, Map.of("api", api,
				"kind", "method", "package", type.substring(0, type.lastIndexOf('.')), "type", type, "module", "java.base"));
	}

	/** One method's document, ready to ingest. */
	public record ApiDoc(String externalId, String title, String text, Map<String, Object> metadata) {
	}

}
