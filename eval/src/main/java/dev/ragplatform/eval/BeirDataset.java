package dev.ragplatform.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A dataset in BEIR's layout: {@code corpus.jsonl} ({@code _id, title, text}), {@code queries.jsonl}
 * ({@code _id, text}) and {@code qrels/<split>.tsv} ({@code query-id corpus-id score}, with a header).
 *
 * @param name the folder's name
 * @param corpus the documents
 * @param queries the queries that have judgments in the split, by id
 * @param qrels judgments per query id: document id → grade
 */
record BeirDataset(String name, List<Doc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

	static BeirDataset load(Path dir, String split) throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
		for (Path required : List.of(dir.resolve("corpus.jsonl"), dir.resolve("queries.jsonl"), qrelsFile)) {
			if (!Files.isRegularFile(required)) {
				throw new IllegalArgumentException(required + " is missing: a BEIR folder holds corpus.jsonl, "
						+ "queries.jsonl and qrels/" + split + ".tsv");
			}
		}
		Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
		List<String> lines = Files.readAllLines(qrelsFile);
		for (int i = 0; i < lines.size(); i++) {
			String[] cells = lines.get(i).split("\t");
			if (cells.length < 3 || (i == 0 && !cells[2].trim().matches("-?\\d+"))) {
				continue; // header or blank
			}
			qrels.computeIfAbsent(cells[0].trim(), (q) -> new LinkedHashMap<>())
				.put(cells[1].trim(), Integer.parseInt(cells[2].trim()));
		}
		Map<String, String> queries = new LinkedHashMap<>();
		forEachLine(dir.resolve("queries.jsonl"), json, (node) -> {
			String id = node.path("_id").asString();
			if (qrels.containsKey(id)) {
				queries.put(id, node.path("text").asString());
			}
		});
		List<Doc> corpus = new ArrayList<>();
		forEachLine(dir.resolve("corpus.jsonl"), json, (node) -> corpus.add(new Doc(node.path("_id").asString(),
				node.path("title").asString(""), node.path("text").asString(""))));
		return new BeirDataset(dir.getFileName().toString(), corpus, queries, qrels);
	}

	private static void forEachLine(Path file, JsonMapper json, java.util.function.Consumer<JsonNode> action)
			throws IOException {
		try (BufferedReader in = Files.newBufferedReader(file)) {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				if (!line.isBlank()) {
					action.accept(json.readTree(line));
				}
			}
		}
	}

	/** One document; what is indexed is the title, a blank line, and the text. */
	record Doc(String id, String title, String text) {

		String body() {
			return this.title.isBlank() ? this.text : this.title + "\n\n" + this.text;
		}

	}

}
