package dev.ragplatform.retrieval.adapter;

import java.sql.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.Distance;
import dev.ragplatform.retrieval.config.RetrievalProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Loads a collection's chunk vectors for training (normalised for cosine collections), with what label targets
 * resolve against: document ids, external ids, or a metadata key's values.
 */
@Repository
class TrainingChunks {

	private final JdbcTemplate jdbc;

	private final int maxChunks;

	TrainingChunks(JdbcTemplate jdbc, RetrievalProperties properties) {
		this.jdbc = jdbc;
		this.maxChunks = properties.adapters().maxChunks();
	}

	/** Chunk vectors and, for each label target, the documents it names. */
	record Loaded(ChunkVectors chunks, Map<String, Set<Integer>> documentsByTarget) {

		int[] chunksOf(Set<String> targets) {
			Set<Integer> docs = new HashSet<>();
			for (String t : targets) {
				docs.addAll(this.documentsByTarget.getOrDefault(t, Set.of()));
			}
			return docs.stream().flatMapToInt((d) -> Arrays.stream(this.chunks.chunksOfDocument[d])).sorted().toArray();
		}

		Set<Integer> documentsOf(int[] chunkIds) {
			Set<Integer> docs = new LinkedHashSet<>();
			for (int c : chunkIds) {
				docs.add(this.chunks.documentOf[c]);
			}
			return docs;
		}

	}

	/** The collection's chunks; {@code field} (a label target field) may be null when no labels are resolved. */
	Loaded load(Collection collection, String field) {
		if (collection.chunkCount() > this.maxChunks) {
			throw new IllegalArgumentException("the collection has " + collection.chunkCount() + " chunks; "
					+ "training loads at most rag.retrieval.adapters.max-chunks (" + this.maxChunks + ")");
		}
		boolean metadata = field != null && field.startsWith("metadata.");
		List<float[]> vectors = new ArrayList<>();
		List<String> documents = new ArrayList<>();
		List<Integer> indexes = new ArrayList<>();
		List<String> values = new ArrayList<>();
		String column = collection.storage().column();
		String sql = "SELECT document_id, chunk_index, " + column + "::real[] AS v"
				+ (metadata ? ", metadata -> ? AS target" : "") + " FROM " + collection.partition()
				+ " ORDER BY document_id, chunk_index";
		boolean normalise = collection.distance() == Distance.COSINE;
		Object[] args = metadata ? new Object[] { field.substring("metadata.".length()) } : new Object[0];
		this.jdbc.query(sql, (rs) -> {
			Array array = rs.getArray("v");
			Object[] boxed = (Object[]) array.getArray();
			float[] v = new float[boxed.length];
			for (int i = 0; i < v.length; i++) {
				v[i] = ((Number) boxed[i]).floatValue();
			}
			vectors.add(normalise ? Vectors.normalized(v) : v);
			documents.add(rs.getString("document_id"));
			indexes.add(rs.getInt("chunk_index"));
			if (metadata) {
				values.add(rs.getString("target"));
			}
		}, args);
		if (vectors.isEmpty()) {
			throw new IllegalArgumentException("the collection has no indexed chunks");
		}
		ChunkVectors chunks = new ChunkVectors(vectors.toArray(float[][]::new), documents.toArray(String[]::new),
				indexes.stream().mapToInt(Integer::intValue).toArray());
		Map<String, Set<Integer>> byTarget = new HashMap<>();
		if (field == null) {
			return new Loaded(chunks, byTarget);
		}
		if (field.equals("documentId")) {
			for (int d = 0; d < chunks.documents(); d++) {
				byTarget.computeIfAbsent(chunks.documentIds.get(d), (k) -> new HashSet<>()).add(d);
			}
		}
		else if (field.equals("externalId")) {
			Map<String, Integer> ordinal = new HashMap<>();
			for (int d = 0; d < chunks.documents(); d++) {
				ordinal.put(chunks.documentIds.get(d), d);
			}
			this.jdbc.query("SELECT document_id, external_id FROM retrieval.documents WHERE collection_id = ? "
					+ "AND NOT deleted AND external_id IS NOT NULL", (rs) -> {
						Integer d = ordinal.get(rs.getString(1));
						if (d != null) {
							byTarget.computeIfAbsent(rs.getString(2), (k) -> new HashSet<>()).add(d);
						}
					}, collection.id());
		}
		else {
			for (int c = 0; c < chunks.size(); c++) {
				String json = values.get(c);
				if (json == null) {
					continue;
				}
				var node = AdapterRepository.JSON.readTree(json);
				List<String> keys = new ArrayList<>();
				if (node.isArray()) {
					node.forEach((n) -> keys.add(n.isString() ? n.asString() : n.toString()));
				}
				else {
					keys.add(node.isString() ? node.asString() : node.toString());
				}
				for (String k : keys) {
					byTarget.computeIfAbsent(k, (x) -> new HashSet<>()).add(chunks.documentOf[c]);
				}
			}
		}
		return new Loaded(chunks, byTarget);
	}

}
