package dev.ragplatform.gateway.key;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.ragplatform.gateway.route.Scope;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code gateway.api_keys}; blocking JDBC, called off the event loop. */
@Repository
class ApiKeyRepository {

	private static final String COLUMNS = "id, name, prefix, scopes, collections, created_at, expires_at, last_used_at";

	private final JdbcClient jdbc;

	ApiKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(UUID id, String name, String prefix, byte[] hash, Set<Scope> scopes, Set<String> collections,
			java.time.Instant expiresAt) {
		this.jdbc.sql("INSERT INTO gateway.api_keys (id, name, prefix, key_hash, scopes, collections, expires_at) "
				+ "VALUES (?, ?, ?, ?, ?::text[], ?::text[], ?)")
			.params(id, name, prefix, hash, scopes.stream().map(Scope::wireName).sorted().toArray(String[]::new),
					(collections != null) ? collections.stream().sorted().toArray(String[]::new) : null,
					(expiresAt != null) ? java.sql.Timestamp.from(expiresAt) : null)
			.update();
	}

	/** Records that the key was used now. */
	void used(UUID id) {
		this.jdbc.sql("UPDATE gateway.api_keys SET last_used_at = now() WHERE id = ?").param(id).update();
	}

	Optional<ApiKey> findByHash(byte[] hash) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM gateway.api_keys WHERE key_hash = ?")
			.param(hash)
			.query(ApiKeyRepository::map)
			.optional();
	}

	Optional<ApiKey> findById(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM gateway.api_keys WHERE id = ?").param(id).query(ApiKeyRepository::map).optional();
	}

	List<ApiKey> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM gateway.api_keys ORDER BY created_at, id").query(ApiKeyRepository::map).list();
	}

	boolean delete(UUID id) {
		return this.jdbc.sql("DELETE FROM gateway.api_keys WHERE id = ?").param(id).update() > 0;
	}

	/** Admin keys other than {@code except}. */
	int countAdmins(UUID except) {
		return this.jdbc.sql("SELECT count(*) FROM gateway.api_keys WHERE 'admin' = ANY(scopes) AND id IS DISTINCT FROM ?")
			.param(except)
			.query(Integer.class)
			.single();
	}

	/** Serialises bootstrap decisions of replicas starting at once (released at the end of the transaction). */
	void lockBootstrap() {
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('rag-gateway-bootstrap-key'))").query().singleRow();
	}

	private static ApiKey map(ResultSet rs, int row) throws SQLException {
		Set<Scope> scopes = strings(rs.getArray("scopes")).stream()
			.map((s) -> Scope.fromWire(s).orElseThrow(() -> new IllegalStateException("unknown scope in database: " + s)))
			.collect(Collectors.toSet());
		Array collections = rs.getArray("collections");
		return new ApiKey(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("prefix"), scopes,
				(collections != null) ? new LinkedHashSet<>(strings(collections)) : null,
				rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("expires_at")),
				instant(rs.getTimestamp("last_used_at")));
	}

	private static java.time.Instant instant(java.sql.Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static List<String> strings(Array array) throws SQLException {
		return Arrays.asList((String[]) array.getArray());
	}

}
