package dev.ragplatform.retrieval.adapter;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code adapters} table. */
@Repository
class AdapterRepository {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	AdapterRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** An adapter row without its weights. */
	record Row(UUID id, long collectionId, int version, String name, String status, boolean active,
			String supervision, String task, String embeddingModel, int dimensions, int rank, String dataDigest,
			JsonNode settings, JsonNode metrics, JsonNode progress, String error, OffsetDateTime createdAt,
			OffsetDateTime finishedAt) {
	}

	private static final String COLUMNS = "id, collection_id, version, name, status, active, supervision, task, "
			+ "embedding_model, dimensions, rank, data_digest, settings::text, metrics::text, progress::text, error, "
			+ "created_at, finished_at";

	/** Inserts a queued job with the collection's next version number. */
	@Transactional
	Row insert(UUID id, long collectionId, String name, String supervision, String task, String embeddingModel,
			int dimensions, int rank, String dataDigest, Map<String, Object> settings) {
		lockCollection(collectionId); // serialises version numbering per collection
		int version = this.jdbc.sql("SELECT coalesce(max(version), 0) + 1 FROM retrieval.adapters WHERE collection_id = ?")
			.param(collectionId)
			.query(Integer.class)
			.single();
		this.jdbc.sql("INSERT INTO retrieval.adapters (id, collection_id, version, name, status, supervision, task, "
				+ "embedding_model, dimensions, rank, data_digest, settings) "
				+ "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?::jsonb)")
			.params(id, collectionId, version, (name != null) ? name : "v" + version, supervision, task,
					embeddingModel, dimensions, rank, dataDigest, JSON.writeValueAsString(settings))
			.update();
		return find(collectionId, id).orElseThrow();
	}

	Optional<Row> find(long collectionId, UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM retrieval.adapters WHERE collection_id = ? AND id = ?")
			.params(collectionId, id)
			.query(AdapterRepository::row)
			.optional();
	}

	List<Row> list(long collectionId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM retrieval.adapters WHERE collection_id = ? ORDER BY version DESC")
			.param(collectionId)
			.query(AdapterRepository::row)
			.list();
	}

	/** The active adapter's id, if any. */
	Optional<UUID> activeId(long collectionId) {
		return this.jdbc.sql("SELECT id FROM retrieval.adapters WHERE collection_id = ? AND active")
			.param(collectionId)
			.query(UUID.class)
			.optional();
	}

	/** Moves a job from one status to another; false when it was not in {@code from} (e.g. cancelled). */
	boolean transition(UUID id, String from, String to) {
		return this.jdbc.sql("UPDATE retrieval.adapters SET status = ? WHERE id = ? AND status = ?")
			.params(to, id, from)
			.update() == 1;
	}

	void progress(UUID id, Map<String, Object> progress) {
		this.jdbc.sql("UPDATE retrieval.adapters SET progress = ?::jsonb WHERE id = ?")
			.params(JSON.writeValueAsString(progress), id)
			.update();
	}

	/**
	 * Stores the trained weights and, when {@code activate}, makes the adapter its collection's active one in the
	 * same transaction (a client that sees it ready sees it active); false when the job was cancelled meanwhile.
	 */
	@Transactional
	boolean finish(long collectionId, UUID id, byte[] weights, Map<String, Object> metrics, boolean activate) {
		boolean finished = this.jdbc.sql("UPDATE retrieval.adapters SET status = 'ready', weights = ?, "
				+ "metrics = ?::jsonb, finished_at = now() WHERE id = ? AND status = 'training'")
			.params(weights, JSON.writeValueAsString(metrics), id)
			.update() == 1;
		if (finished && activate) {
			activate(collectionId, id);
		}
		return finished;
	}

	void fail(UUID id, String error) {
		this.jdbc.sql("UPDATE retrieval.adapters SET status = 'failed', error = ?, finished_at = now() "
				+ "WHERE id = ? AND status IN ('queued', 'training')")
			.params(error, id)
			.update();
	}

	/**
	 * Refreshes the heartbeat of the jobs this instance holds; the ones still queued or training (the others were
	 * ended elsewhere).
	 */
	List<UUID> heartbeat(java.util.Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("UPDATE retrieval.adapters SET heartbeat_at = now() WHERE id IN (:ids) "
				+ "AND status IN ('queued', 'training') RETURNING id")
			.param("ids", List.copyOf(ids))
			.query(UUID.class)
			.list();
	}

	/**
	 * Fails the queued or training jobs whose instance stopped beating more than {@code staleAfter} ago; their ids.
	 */
	List<UUID> failStale(java.time.Duration staleAfter) {
		return this.jdbc.sql("UPDATE retrieval.adapters SET status = 'failed', finished_at = now(), error = "
				+ "'interrupted: the instance that ran this job stopped (no heartbeat since ' "
				+ "|| to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || '); start it again' "
				+ "WHERE status IN ('queued', 'training') AND heartbeat_at < now() - make_interval(secs => ?) RETURNING id")
			.param(staleAfter.toMillis() / 1000.0)
			.query(UUID.class)
			.list();
	}

	/** Marks a queued or running job cancelled; false when it had already ended. */
	boolean cancel(UUID id) {
		return this.jdbc.sql("UPDATE retrieval.adapters SET status = 'cancelled', finished_at = now() "
				+ "WHERE id = ? AND status IN ('queued', 'training')")
			.param(id)
			.update() == 1;
	}

	/** Makes {@code id} the collection's only active adapter. */
	@Transactional
	void activate(long collectionId, UUID id) {
		// serialises activations per collection (a job finishing, a REST activate): else the second waits on the
		// one-active index and fails, and a finishing job's weights would roll back with it
		lockCollection(collectionId);
		this.jdbc.sql("UPDATE retrieval.adapters SET active = false WHERE collection_id = ? AND active AND id <> ?")
			.params(collectionId, id)
			.update();
		this.jdbc.sql("UPDATE retrieval.adapters SET active = true WHERE collection_id = ? AND id = ?")
			.params(collectionId, id)
			.update();
	}

	int deactivate(long collectionId, UUID id) {
		return this.jdbc.sql("UPDATE retrieval.adapters SET active = false WHERE collection_id = ? AND id = ? AND active")
			.params(collectionId, id)
			.update();
	}

	int delete(long collectionId, UUID id) {
		return this.jdbc.sql("DELETE FROM retrieval.adapters WHERE collection_id = ? AND id = ?")
			.params(collectionId, id)
			.update();
	}

	private static Row row(ResultSet rs, int n) throws SQLException {
		return new Row(rs.getObject("id", UUID.class), rs.getLong("collection_id"), rs.getInt("version"),
				rs.getString("name"), rs.getString("status"), rs.getBoolean("active"), rs.getString("supervision"),
				rs.getString("task"), rs.getString("embedding_model"), rs.getInt("dimensions"), rs.getInt("rank"),
				rs.getString("data_digest"), json(rs.getString("settings")), json(rs.getString("metrics")),
				json(rs.getString("progress")), rs.getString("error"),
				rs.getObject("created_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class));
	}

	private static JsonNode json(String text) {
		return (text != null) ? JSON.readTree(text) : null;
	}

	/** Holds the collection's row until the transaction ends: one writer of its adapters at a time. */
	private void lockCollection(long collectionId) {
		this.jdbc.sql("SELECT id FROM retrieval.collections WHERE id = ? FOR UPDATE").param(collectionId).query().listOfRows();
	}

}
