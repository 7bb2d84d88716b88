package dev.ragplatform.retrieval.search;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.ragplatform.contracts.search.ChunkHit;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.runtime.lateinteraction.MaxSim;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Late-interaction rerank over the token vectors stored at index time: one read of the candidates' vectors, then
 * MaxSim of the query's float token vectors against each, on the common pool (the candidates split over the cores).
 */
@Component
class StoredLateInteraction {

	private final JdbcTemplate jdbc;

	StoredLateInteraction(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Each candidate's MaxSim score, in order; {@code null} when any of them has no stored token vectors (the
	 * collection keeps none, it was indexed before it did, or the chunk changed since it was retrieved).
	 */
	double[] scores(Collection collection, float[][] queryTokens, List<ChunkHit> candidates) {
		TokenEncoding encoding = collection.tokenStorage();
		if (encoding == null || candidates.isEmpty()) {
			return null;
		}
		Map<String, byte[]> stored = new HashMap<>(candidates.size() * 2);
		this.jdbc.query("SELECT c.document_id, c.chunk_index, c.token_vectors FROM " + collection.partition()
				+ " c JOIN unnest(?::text[], ?::int[], ?::bigint[]) AS k(document_id, chunk_index, version) "
				+ "ON c.document_id = k.document_id AND c.chunk_index = k.chunk_index AND c.version = k.version "
				+ "WHERE c.collection_id = ? AND c.token_vectors IS NOT NULL", (rs) -> {
					stored.put(key(rs.getString(1), rs.getInt(2)), rs.getBytes(3));
				}, candidates.stream().map(ChunkHit::documentId).toArray(String[]::new),
				candidates.stream().map(ChunkHit::chunkIndex).toArray(Integer[]::new),
				candidates.stream().map(ChunkHit::version).toArray(Long[]::new), collection.id());
		if (stored.size() < candidates.size()) {
			return null;
		}
		MaxSim maxSim = new MaxSim(queryTokens);
		byte[][] texts = candidates.stream().map((h) -> stored.get(key(h.documentId(), h.chunkIndex())))
			.toArray(byte[][]::new);
		double[] scores = new double[texts.length];
		IntStream.range(0, texts.length).parallel().forEach((i) -> scores[i] = maxSim.score(encoding, texts[i]));
		return scores;
	}

	private static String key(String documentId, int chunkIndex) {
		return chunkIndex + "/" + documentId;
	}

}
