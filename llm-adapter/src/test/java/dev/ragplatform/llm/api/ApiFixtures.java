package dev.ragplatform.llm.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ragplatform.llm.PlatformFixture;
import dev.ragplatform.llm.PlatformFixture.Doc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small API documentation collection (real JDK methods, in the Java API source connector's layout) and a small
 * solved-examples collection (the eval harness's layout: metadata {@code apis}, {@code titleKey}), ingested once per
 * test JVM through the real platform, and an HTTP helper for the service under test.
 */
final class ApiFixtures {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static Corpus shared;

	private ApiFixtures() {
	}

	/** The two collections, ingested on first use. */
	static synchronized Corpus collections() {
		if (shared == null) {
			PlatformFixture platform = PlatformFixture.get();
			String apis = platform.createCollection("jdk-api");
			String examples = platform.createCollection("solved");
			Map<String, String> apiIds = platform.ingest(apis, apiDocs());
			Map<String, String> exampleIds = platform.ingest(examples, exampleDocs());
			shared = new Corpus(apis, examples, apiIds, exampleIds);
		}
		return shared;
	}

	/**
	 * The ids of the collections' documents.
	 *
	 * @param apiIds documentId per external id ({@code package.Class.method(ParamType,…)})
	 * @param exampleIds documentId per example title
	 */
	record Corpus(String apis, String examples, Map<String, String> apiIds, Map<String, String> exampleIds) {

		String apiDocument(String api) {
			return this.apiIds.entrySet()
				.stream()
				.filter((e) -> e.getKey().startsWith(api + "("))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElseThrow();
		}

	}

	static List<Doc> apiDocs() {
		List<Doc> docs = new ArrayList<>();
		api(docs, "java.lang.Integer.parseInt", "String", "public static int parseInt(String s) throws NumberFormatException",
				"Parses the string argument as a signed decimal integer. The characters in the string must all be "
						+ "decimal digits, except that the first character may be an ASCII minus sign '-' to indicate a "
						+ "negative value or an ASCII plus sign '+' to indicate a positive value.");
		api(docs, "java.lang.Integer.valueOf", "String", "public static Integer valueOf(String s) throws NumberFormatException",
				"Returns an Integer object holding the value of the specified String. The argument is interpreted as "
						+ "representing a signed decimal integer, exactly as if the argument were given to the "
						+ "parseInt(java.lang.String) method.");
		api(docs, "java.lang.Integer.toString", "int", "public static String toString(int i)",
				"Returns a String object representing the specified integer.");
		api(docs, "java.lang.String.split", "String", "public String[] split(String regex)",
				"Splits this string around matches of the given regular expression.");
		api(docs, "java.lang.String.trim", "", "public String trim()",
				"Returns a string whose value is this string, with all leading and trailing space removed.");
		api(docs, "java.lang.String.toUpperCase", "", "public String toUpperCase()",
				"Converts all of the characters in this String to upper case using the rules of the default locale.");
		api(docs, "java.lang.String.valueOf", "int", "public static String valueOf(int i)",
				"Returns the string representation of the int argument.");
		api(docs, "java.lang.StringBuilder.reverse", "", "public StringBuilder reverse()",
				"Causes this character sequence to be replaced by the reverse of the sequence.");
		api(docs, "java.util.List.add", "E", "boolean add(E e)",
				"Appends the specified element to the end of this list (optional operation).");
		api(docs, "java.util.List.size", "", "int size()", "Returns the number of elements in this list.");
		api(docs, "java.util.Vector.addElement", "E", "public synchronized void addElement(E obj)",
				"Adds the specified component to the end of this vector, increasing its size by one.");
		api(docs, "java.util.Collections.sort", "List<T>",
				"public static <T extends Comparable<? super T>> void sort(List<T> list)",
				"Sorts the specified list into ascending order, according to the natural ordering of its elements.");
		api(docs, "java.util.Collections.reverse", "List<?>", "public static void reverse(List<?> list)",
				"Reverses the order of the elements in the specified list.");
		api(docs, "java.util.Arrays.asList", "T...", "public static <T> List<T> asList(T... a)",
				"Returns a fixed-size list backed by the specified array.");
		api(docs, "java.util.HashMap.entrySet", "", "public Set<Map.Entry<K,V>> entrySet()",
				"Returns a Set view of the mappings contained in this map.");
		api(docs, "java.nio.file.Files.readAllLines", "Path", "public static List<String> readAllLines(Path path) throws IOException",
				"Read all lines from a file.");
		api(docs, "java.nio.file.Files.exists", "Path,LinkOption...",
				"public static boolean exists(Path path, LinkOption... options)", "Tests whether a file exists.");
		api(docs, "java.time.LocalDate.now", "", "public static LocalDate now()",
				"Obtains the current date from the system clock in the default time-zone.");
		return docs;
	}

	private static void api(List<Doc> docs, String api, String params, String signature, String javadoc) {
		int lastDot = api.lastIndexOf('.');
		String type = api.substring(0, lastDot);
		String pkg = type.substring(0, type.lastIndexOf('.'));
		String module = pkg.startsWith("java.nio") || pkg.startsWith("java.time") || pkg.startsWith("java.util")
				|| pkg.startsWith("java.lang") ? "java.base" : "";
		docs.add(new Doc(api + "(" + params + ")", api, api + "\n" + signature + "\n" + javadoc,
				Map.of("api", api, "kind", "method", "package", pkg, "type", type, "module", module)));
	}

	/** title → APIs of the solved examples. */
	static final Map<String, List<String>> EXAMPLES = examples();

	private static Map<String, List<String>> examples() {
		Map<String, List<String>> examples = new LinkedHashMap<>();
		examples.put("How to convert a String to an int in Java?", List.of("java.lang.Integer.parseInt"));
		examples.put("Converting String to int in Java", List.of("java.lang.Integer.parseInt", "java.lang.Integer.valueOf"));
		examples.put("How do I parse a string of digits into an integer", List.of("java.lang.Integer.parseInt"));
		examples.put("How to split a String by space", List.of("java.lang.String.split"));
		examples.put("Reverse a string in Java", List.of("java.lang.StringBuilder.reverse"));
		examples.put("How to sort a list of strings alphabetically", List.of("java.util.Collections.sort"));
		examples.put("Convert array to list in Java", List.of("java.util.Arrays.asList"));
		examples.put("Read a file line by line into a list", List.of("java.nio.file.Files.readAllLines"));
		examples.put("Check if a file exists", List.of("java.nio.file.Files.exists"));
		examples.put("Iterate through a HashMap", List.of("java.util.HashMap.entrySet"));
		examples.put("How to get today's date", List.of("java.time.LocalDate.now"));
		examples.put("Convert an int to a String", List.of("java.lang.String.valueOf", "java.lang.Integer.toString"));
		// an answer outside the API collection (java.desktop is not indexed): voted, then dropped
		examples.put("How to convert a string to a number in a Swing text field",
				List.of("java.lang.Integer.parseInt", "javax.swing.JTextField.getText"));
		return examples;
	}

	static List<Doc> exampleDocs() {
		List<Doc> docs = new ArrayList<>();
		EXAMPLES.forEach((title, apis) -> {
			ExamplesCsv.Example example = new ExamplesCsv.Example(title, apis);
			docs.add(new Doc(title, title, title, example.metadata()));
		});
		return docs;
	}

	/** Whether the API collection has a document for this exact name (a filtered dense search: an exact scan). */
	static boolean exists(String collection, String api) throws Exception {
		JsonNode found = post(PlatformFixture.get().retrievalUrl().resolve("/v1/search"), Map.of("collection", collection,
				"query", api, "mode", "dense", "topK", 1, "filter", Map.of("api", api))).body();
		return found.path("results").size() == 1;
	}

	record Response(int status, String contentType, JsonNode body, String raw) {
	}

	static Response post(URI uri, Object body) throws Exception {
		return send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString((body instanceof String s) ? s : JSON.writeValueAsString(body)))
			.build());
	}

	static Response send(HttpRequest request) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		JsonNode json;
		try {
			json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
		}
		catch (RuntimeException ex) {
			json = JSON.createObjectNode();
		}
		return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json,
				response.body());
	}

}
