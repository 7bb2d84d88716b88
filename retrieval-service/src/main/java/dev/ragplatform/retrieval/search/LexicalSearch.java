package dev.ragplatform.retrieval.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Okapi BM25 computed in SQL, as Lucene computes it: {@code idf = ln(1 + (N − df + 0.5) / (df + 0.5))},
 * {@code tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl))}. Terms come from the collection's text search configuration
 * (stemming, stop words); {@code tf} is the number of positions of a lexeme in the chunk's {@code tsvector},
 * {@code dl} the chunk's token count, {@code df} a GIN-index count per query term, and
 * {@code N} and {@code avgdl} the collection's counters, kept by the indexer in the same transactions as the
 * chunks. Only the query's lexemes are unnested from each matching chunk: {@code setweight} marks them (chunk
 * lexemes carry weight D) and {@code ts_filter} keeps them — 100× faster than unnesting whole chunks. docs/experiments/retrieval-service-bm25-in-sql.md compares it
 * with PostgreSQL's {@code ts_rank_cd} and with Lucene on SciFact.
 * <p>
 * Counting {@code df} reads every chunk holding the term, which dominates long queries over large collections (a
 * 49-lexeme FIRE context over 55,000 chunks: 1.8 s of a 2.2 s search). Counts are therefore kept in memory per
 * collection and lexeme, valid only while the collection's chunk and token counters are the ones they were counted
 * at: any indexed or deleted chunk changes those, so a cached {@code df} is always the exact one.
 */
@Component
class LexicalSearch {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcTemplate jdbc;

	private final RetrievalProperties.Search settings;

	private final Cache<Term, Count> documentFrequencies = Caffeine.newBuilder()
		.maximumSize(500_000)
		.expireAfterAccess(Duration.ofHours(1))
		.build();

	private final LexicalIndex index;

	private final RetrievalProperties.Lexical lexical;

	LexicalSearch(JdbcTemplate jdbc, RetrievalProperties properties, LexicalIndex index) {
		this.jdbc = SearchService.limited(jdbc, properties.search().statementTimeout());
		this.settings = properties.search();
		this.lexical = properties.lexical();
		this.index = index;
		// a query's terms are the clauses of one Lucene query
		org.apache.lucene.search.IndexSearcher.setMaxClauseCount(
				Math.max(org.apache.lucene.search.IndexSearcher.getMaxClauseCount(), this.settings.maxQueryTerms() + 8));
	}

	/**
	 * BM25 top {@code limit}: from this replica's Lucene index ({@link LexicalIndex}), or computed in SQL while the
	 * index is being built or when a filter lets more than {@code rag.retrieval.lexical.max-filter-chunks} through.
	 *
	 * @param fresh whether the index first applies every committed change; {@code null}: the default
	 * ({@code rag.retrieval.lexical.read-your-writes})
	 */
	List<Candidate> search(Collection collection, String query, String filter, int limit, Boolean fresh) {
		List<String> lexemes = lexemes(collection, query);
		if (lexemes.isEmpty()) {
			return List.of();
		}
		Set<String> keys = (filter != null) ? filtered(collection, filter) : null;
		if (filter == null || keys != null) {
			List<LexicalIndex.Hit> found = this.index.search(collection, lexemes, keys, limit,
					(fresh != null) ? fresh : this.lexical.readYourWrites(), this.lexical.keepRarestTerms(),
					this.settings.statementTimeout());
			if (found != null) {
				return chunks(collection, found);
			}
		}
		return searchInSql(collection, lexemes, filter, limit);
	}

	/** The query's distinct lexemes in the collection's text search configuration; 400 beyond the cap. */
	List<String> lexemes(Collection collection, String query) {
		List<String> lexemes = this.jdbc.queryForList(
				"SELECT DISTINCT u.lexeme FROM unnest(to_tsvector(?::regconfig, ?)) u ORDER BY 1", String.class,
				collection.language(), query);
		if (lexemes.size() > this.settings.maxQueryTerms()) {
			throw ServiceProblem.badRequest("The query has " + lexemes.size() + " distinct terms; a lexical or "
					+ "hybrid search takes at most " + this.settings.maxQueryTerms()
					+ " (rag.retrieval.search.max-query-terms). Search passages of the text, or use mode dense.");
		}
		return lexemes;
	}

	/** The keys of the chunks a filter lets through, or {@code null} when there are too many for the index. */
	private Set<String> filtered(Collection collection, String filter) {
		Set<String> keys = new HashSet<>();
		this.jdbc.query("SELECT document_id, chunk_index FROM " + collection.partition()
				+ " WHERE collection_id = ? AND metadata @@ ?::jsonpath LIMIT ?", (rs) -> {
					keys.add(LexicalIndex.key(rs.getString(1), rs.getInt(2)));
				}, collection.id(), filter, this.lexical.maxFilterChunks() + 1);
		return (keys.size() > this.lexical.maxFilterChunks()) ? null : keys;
	}

	/** The ranked chunks' rows, in rank order; a chunk removed since it was ranked drops out. */
	private List<Candidate> chunks(Collection collection, List<LexicalIndex.Hit> hits) {
		if (hits.isEmpty()) {
			return List.of();
		}
		return this.jdbc.query("""
				SELECT c.document_id, c.chunk_index, c.version, c.text, c.start_offset, c.end_offset,
				    c.metadata::text AS metadata, k.score
				FROM unnest(?::text[], ?::int[], ?::float8[]) WITH ORDINALITY AS k(document_id, chunk_index, score, o)
				JOIN %s c ON c.collection_id = ? AND c.document_id = k.document_id AND c.chunk_index = k.chunk_index
				ORDER BY k.o""".formatted(collection.partition()),
				(rs, n) -> DenseSearch.candidate(rs, rs.getDouble("score")),
				hits.stream().map(LexicalIndex.Hit::documentId).toArray(String[]::new),
				hits.stream().map(LexicalIndex.Hit::chunkIndex).toArray(Integer[]::new),
				hits.stream().map(LexicalIndex.Hit::score).toArray(Double[]::new), collection.id());
	}

	/** BM25 computed in SQL: the oracle the index is tested against, and the path while it is being built. */
	List<Candidate> searchInSql(Collection collection, List<String> lexemes, String filter, int limit) {
		if (lexemes.isEmpty()) {
			return List.of();
		}
		Map<String, Long> df = documentFrequencies(collection, lexemes);
		int keep = this.lexical.keepRarestTerms();
		if (keep > 0 && df.size() > keep) {
			List<String> rarest = df.entrySet()
				.stream()
				.filter((e) -> e.getValue() > 0)
				.sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
				.limit(keep)
				.map(Map.Entry::getKey)
				.toList();
			df.keySet().retainAll(rarest);
		}
		List<Map<String, Object>> dfRows = new ArrayList<>();
		df.forEach((lexeme, count) -> dfRows.add(Map.of("lexeme", lexeme, "df", count)));
		String p = collection.partition();
		List<Object> args = new ArrayList<>();
		String sql = """
				WITH df AS MATERIALIZED (
				    SELECT d.lexeme, d.df FROM jsonb_to_recordset(?::jsonb) AS d(lexeme text, df float8)
				), lexemes AS (
				    SELECT array_agg(lexeme) AS a FROM df
				), hits AS (
				    SELECT c.document_id, c.chunk_index, c.tsv, c.token_count FROM %1$s c
				    WHERE c.tsv @@ (SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery FROM df) %2$s
				), scored AS (
				    SELECT h.document_id, h.chunk_index,
				        sum(ln(1 + (?::float8 - df.df + 0.5) / (df.df + 0.5))
				            * t.tf * (?::float8 + 1) / (t.tf + ?::float8 * (1 - ?::float8 + ?::float8 * h.token_count / ?::float8)))
				            AS score
				    FROM hits h
				    CROSS JOIN LATERAL (SELECT u.lexeme, coalesce(array_length(u.positions, 1), 1) AS tf
				                        FROM unnest(ts_filter(setweight(h.tsv, 'A', (SELECT a FROM lexemes)), '{a}')) u) t
				    JOIN df ON df.lexeme = t.lexeme
				    GROUP BY h.document_id, h.chunk_index
				    ORDER BY score DESC, h.document_id, h.chunk_index
				    LIMIT ?
				)
				SELECT c.document_id, c.chunk_index, c.version, c.text, c.start_offset, c.end_offset,
				    c.metadata::text AS metadata, s.score
				FROM scored s JOIN %1$s c ON c.collection_id = ? AND c.document_id = s.document_id
				    AND c.chunk_index = s.chunk_index
				ORDER BY s.score DESC, s.document_id, s.chunk_index
				""".formatted(p, (filter != null) ? "AND c.metadata @@ ?::jsonpath" : "");
		args.add(JSON.writeValueAsString(dfRows));
		if (filter != null) {
			args.add(filter);
		}
		double k1 = this.settings.bm25K1();
		double b = this.settings.bm25B();
		args.add(Math.max(collection.chunkCount(), 1));
		args.add(k1);
		args.add(k1);
		args.add(b);
		args.add(b);
		args.add(collection.averageTokens());
		args.add(limit);
		args.add(collection.id());
		return this.jdbc.query(sql, (rs, n) -> DenseSearch.candidate(rs, rs.getDouble("score")), args.toArray());
	}

	/** {@code df} of each lexeme in the whole collection: from the cache while its counters stand, else counted. */
	private Map<String, Long> documentFrequencies(Collection collection, List<String> lexemes) {
		Map<String, Long> df = new LinkedHashMap<>();
		List<String> missing = new ArrayList<>();
		for (String lexeme : lexemes) {
			Count cached = this.documentFrequencies.getIfPresent(new Term(collection.id(), lexeme));
			if (cached != null && cached.chunks() == collection.chunkCount() && cached.tokens() == collection.tokenCount()) {
				df.put(lexeme, cached.df());
			}
			else {
				missing.add(lexeme);
			}
		}
		if (!missing.isEmpty()) {
			Map<String, Long> counted = new HashMap<>();
			this.jdbc.query("SELECT q.lexeme, (SELECT count(*) FROM " + collection.partition()
					+ " c WHERE c.tsv @@ quote_literal(q.lexeme)::tsquery) FROM jsonb_array_elements_text(?::jsonb) q(lexeme)",
					(rs) -> {
						counted.put(rs.getString(1), rs.getLong(2));
					}, JSON.writeValueAsString(missing));
			counted.forEach((lexeme, count) -> {
				df.put(lexeme, count);
				this.documentFrequencies.put(new Term(collection.id(), lexeme),
						new Count(count, collection.chunkCount(), collection.tokenCount()));
			});
		}
		return df;
	}

	private record Term(long collectionId, String lexeme) {
	}

	private record Count(long df, long chunks, long tokens) {
	}

}
