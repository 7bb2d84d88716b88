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
import dev.ragplatform.testsupport.JavaApiDocs;
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
		return JavaApiDocs.jdk()
			.stream()
			.map((d) -> new Doc(d.externalId(), d.title(), d.text(), d.metadata()))
			.toList();
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
