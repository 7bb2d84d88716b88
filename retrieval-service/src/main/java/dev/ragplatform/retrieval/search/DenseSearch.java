package dev.ragplatform.retrieval.search;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.pgvector.PGvector;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.config.RetrievalProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Nearest neighbours by the collection's distance. Through the partition's HNSW index (approximate, tuned by
 * {@code ef_search}), or exactly by a scan when the collection, or the part of it a filter lets through, holds at
 * most {@code exact-scan-threshold} chunks. Filtered index searches use pgvector 0.8's iterative scan in strict
 * order, so a selective filter still yields {@code topK} results; if the scan budget runs out first, the search
 * falls back to the exact scan.
 */
@Component
class DenseSearch {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	private final RetrievalProperties.Search settings;

	DenseSearch(JdbcTemplate jdbc, TransactionTemplate transactions, RetrievalProperties properties) {
		this.jdbc = SearchService.limited(jdbc, properties.search().statementTimeout());
		this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
		this.readOnly.setReadOnly(true);
		this.settings = properties.search();
	}

	/** Results, and whether they are exact. */
	record Result(List<Candidate> candidates, boolean exact) {
	}

	/**
	 * The {@code limit} nearest chunks.
	 * @param exactOverride true forces the exact scan, false the index; null decides by the threshold
	 */
	Result search(Collection collection, float[] vector, String filter, int limit, int efSearch, Boolean exactOverride) {
		return this.readOnly.execute((tx) -> {
			boolean exact = (exactOverride != null) ? exactOverride
					: matchesAtMost(collection, filter, this.settings.exactScanThreshold());
			if (!exact) {
				this.jdbc.queryForObject("SELECT set_config('hnsw.ef_search', ?, true)", String.class,
						String.valueOf(Math.max(efSearch, Math.min(limit, 1000))));
				if (filter != null) {
					this.jdbc.queryForObject("SELECT set_config('hnsw.iterative_scan', 'strict_order', true)",
							String.class);
					this.jdbc.queryForObject("SELECT set_config('hnsw.max_scan_tuples', ?, true)", String.class,
							String.valueOf(this.settings.maxScanTuples()));
				}
				List<Candidate> found = query(collection, vector, filter, limit);
				if (found.size() >= limit || filter == null || Boolean.FALSE.equals(exactOverride)) {
					return new Result(found, false);
				}
			}
			// No HNSW: the planner sorts the (filtered) rows by exact distance.
			this.jdbc.queryForObject("SELECT set_config('enable_indexscan', 'off', true)", String.class);
			return new Result(query(collection, vector, filter, limit), true);
		});
	}

	private boolean matchesAtMost(Collection collection, String filter, int threshold) {
		if (filter == null) {
			return collection.chunkCount() <= threshold;
		}
		Long n = this.jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM " + collection.partition()
				+ " WHERE metadata @@ ?::jsonpath LIMIT ?) s", Long.class, filter, threshold + 1);
		return n != null && n <= threshold;
	}

	private List<Candidate> query(Collection collection, float[] vector, String filter, int limit) {
		List<Object> args = new ArrayList<>();
		args.add(new PGvector(vector));
		String sql = "SELECT document_id, chunk_index, version, text, start_offset, end_offset, metadata::text, "
				+ collection.distanceExpression() + " AS distance FROM " + collection.partition();
		if (filter != null) {
			sql += " WHERE metadata @@ ?::jsonpath";
			args.add(filter);
		}
		sql += " ORDER BY distance LIMIT ?";
		args.add(limit);
		return this.jdbc.query(sql, (rs, n) -> candidate(rs, collection.distance().score(rs.getDouble("distance"))),
				args.toArray());
	}

	static Candidate candidate(ResultSet rs, double score) throws SQLException {
		return new Candidate(rs.getString("document_id"), rs.getInt("chunk_index"), rs.getLong("version"),
				rs.getString("text"), rs.getInt("start_offset"), rs.getInt("end_offset"), rs.getString("metadata"),
				score);
	}

}
