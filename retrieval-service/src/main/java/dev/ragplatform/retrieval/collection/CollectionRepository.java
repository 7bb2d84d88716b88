package dev.ragplatform.retrieval.collection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import dev.ragplatform.runtime.lateinteraction.TokenEncoding;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** Collections and their chunk partitions. DDL is built from validated numbers only (ids, dimensions, HNSW settings). */
@Repository
public class CollectionRepository {

	private static final String COLUMNS = "id, name, embedding_model, dimensions, distance, storage, default_task, "
			+ "language::text AS language, hnsw_m, hnsw_ef_construction, chunk_target_tokens, chunk_overlap_tokens, document_count, chunk_count, token_count, "
			+ "created_at, updated_at, token_storage";

	private static final RowMapper<Collection> ROW = CollectionRepository::map;

	private final JdbcTemplate jdbc;

	CollectionRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<Collection> findByName(String name) {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM retrieval.collections WHERE name = ?", ROW, name)
			.stream()
			.findFirst();
	}

	/**
	 * The collection, locked against deletion until the transaction ends. {@code FOR KEY SHARE} (not
	 * {@code FOR SHARE}) so that the same transaction's later counter update does not upgrade a shared lock —
	 * two indexer threads upgrading deadlock.
	 */
	public Optional<Collection> findByNameForShare(String name) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM retrieval.collections WHERE name = ? FOR KEY SHARE", ROW, name)
			.stream()
			.findFirst();
	}

	/** The collections that keep token vectors for late interaction. */
	public List<Collection> findKeepingTokens() {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM retrieval.collections WHERE token_storage IS NOT NULL "
				+ "ORDER BY id", ROW);
	}

	/** Starts keeping token vectors (a backfill computes the missing ones): true when set now or already so. */
	boolean keepTokens(Collection collection, TokenEncoding storage) {
		return this.jdbc.update("UPDATE retrieval.collections SET token_storage = ? WHERE id = ? "
				+ "AND (token_storage IS NULL OR token_storage = ?)", storage.id(), collection.id(), storage.id()) > 0;
	}

	/** How many of its chunks have no token vectors yet. */
	long chunksWithoutTokens(Collection collection) {
		Long count = this.jdbc.queryForObject("SELECT count(*) FROM " + collection.partition()
				+ " WHERE collection_id = ? AND token_vectors IS NULL", Long.class, collection.id());
		return (count != null) ? count : 0;
	}

	public List<Collection> findAll() {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM retrieval.collections ORDER BY name", ROW);
	}

	boolean languageExists(String language) {
		Integer n = this.jdbc.queryForObject("SELECT count(*) FROM pg_catalog.pg_ts_config WHERE cfgname = ?",
				Integer.class, language);
		return n != null && n > 0;
	}

	/** Inserts the row and creates the partition with its HNSW index, in the caller's transaction. */
	Collection insert(NewCollection c) {
		Collection created = this.jdbc.queryForObject("""
				INSERT INTO retrieval.collections (name, embedding_model, dimensions, distance, storage, default_task,
				    language, hnsw_m, hnsw_ef_construction, chunk_target_tokens, chunk_overlap_tokens, token_storage)
				VALUES (?, ?, ?, ?, ?, ?, ?::regconfig, ?, ?, ?, ?, ?)
				RETURNING """ + " " + COLUMNS, ROW, c.name(), c.embeddingModel(), c.dimensions(), c.distance().id(),
				c.storage().id(), c.defaultTask(), c.language(), c.hnswM(), c.hnswEfConstruction(), c.chunkTargetTokens(),
				c.chunkOverlapTokens(), (c.tokenStorage() != null) ? c.tokenStorage().id() : null);
		String partition = created.partition();
		this.jdbc.execute("CREATE TABLE " + partition + " PARTITION OF retrieval.chunks FOR VALUES IN (" + created.id()
				+ ")");
		this.jdbc.execute("CREATE INDEX chunks_" + created.id() + "_hnsw ON " + partition + " USING hnsw ("
				+ created.vectorExpression() + " public." + created.distance().opclass(created.storage())
				+ ") WITH (m = " + created.hnswM() + ", ef_construction = " + created.hnswEfConstruction() + ")");
		return created;
	}

	/** Deletes the row (documents and pending parts cascade) and drops the partition, in the caller's transaction. */
	boolean delete(Collection collection) {
		int rows = this.jdbc.update("DELETE FROM retrieval.collections WHERE id = ?", collection.id());
		this.jdbc.execute("DROP TABLE IF EXISTS " + collection.partition());
		return rows > 0;
	}

	/** Bytes of the stored token vectors (their TOAST data; 0 when none). */
	long tokenBytes(Collection collection) {
		Long bytes = this.jdbc.queryForObject("SELECT coalesce(sum(octet_length(token_vectors)), 0) FROM "
				+ collection.partition(), Long.class);
		return (bytes != null) ? bytes : 0;
	}

	/** Bytes of the partition with its indexes (HNSW, GIN) and its TOAST table (token vectors). */
	long sizeBytes(Collection collection) {
		Long bytes = this.jdbc.queryForObject("SELECT pg_total_relation_size(?::regclass)", Long.class,
				collection.partition());
		return (bytes != null) ? bytes : 0;
	}

	private static Collection map(ResultSet rs, int row) throws SQLException {
		return new Collection(rs.getLong("id"), rs.getString("name"), rs.getString("embedding_model"),
				rs.getInt("dimensions"), Distance.parse(rs.getString("distance")),
				Storage.parse(rs.getString("storage")), rs.getString("default_task"), rs.getString("language"),
				rs.getInt("hnsw_m"), rs.getInt("hnsw_ef_construction"), rs.getInt("chunk_target_tokens"),
				rs.getInt("chunk_overlap_tokens"), rs.getLong("document_count"),
				rs.getLong("chunk_count"), rs.getLong("token_count"), rs.getObject("created_at", OffsetDateTime.class),
				rs.getObject("updated_at", OffsetDateTime.class),
				(rs.getString("token_storage") != null) ? TokenEncoding.parse(rs.getString("token_storage")) : null);
	}

	/** Settings of a collection to create, all validated. */
	record NewCollection(String name, String embeddingModel, int dimensions, Distance distance, Storage storage,
			String defaultTask, String language, int hnswM, int hnswEfConstruction, int chunkTargetTokens,
			int chunkOverlapTokens, TokenEncoding tokenStorage) {
	}

}
