package dev.ragplatform.retrieval.adapter;

import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which adapter a search applies to its query vector. The active adapter of a collection is looked up at most
 * every {@code active-refresh} (so an activation on another replica takes effect within that time; on this one at
 * once); weights are immutable and cached by id.
 */
@Component
public class AdapterRegistry {

	/** No adapter: the query vector as embedded. */
	public static final Selected NONE = new Selected(null, null);

	private final JdbcClient jdbc;

	private final Cache<Long, Optional<Meta>> active;

	private final Cache<UUID, LowRankAdapter> weights = Caffeine.newBuilder().maximumSize(64).build();

	AdapterRegistry(JdbcClient jdbc, dev.ragplatform.retrieval.config.RetrievalProperties properties) {
		this.jdbc = jdbc;
		this.active = Caffeine.newBuilder()
			.maximumSize(10_000)
			.expireAfterWrite(properties.adapters().activeRefresh())
			.build();
	}

	private record Meta(UUID id, String task, int dimensions, int rank) {
	}

	/** The adapter a search uses, and its id for the response ({@code "none"} when none). */
	public static final class Selected {

		private final UUID id;

		private final LowRankAdapter adapter;

		private Selected(UUID id, LowRankAdapter adapter) {
			this.id = id;
			this.adapter = adapter;
		}

		public float[] apply(float[] query) {
			return (this.adapter != null) ? this.adapter.apply(query) : query;
		}

		public String name() {
			return (this.id != null) ? this.id.toString() : "none";
		}

	}

	/**
	 * @param requested {@code "none"}, an adapter id, or null for the collection's active adapter (applied only
	 * when the search's task is the one it was trained with)
	 */
	public Selected select(Collection collection, String requested, String task) {
		if ("none".equals(requested)) {
			return NONE;
		}
		if (requested == null || requested.isBlank()) {
			Optional<Meta> meta = this.active.get(collection.id(), (id) -> find(id, null));
			if (meta.isEmpty() || !meta.get().task().equals(task) || meta.get().dimensions() != collection.dimensions()) {
				return NONE;
			}
			return new Selected(meta.get().id(), load(meta.get()));
		}
		UUID id;
		try {
			id = UUID.fromString(requested);
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest("adapter must be \"none\" or an adapter id; not '" + requested + "'");
		}
		Meta meta = find(collection.id(), id).orElseThrow(() -> ServiceProblem.notFound(
				"collection '" + collection.name() + "' has no ready adapter " + id));
		if (!meta.task().equals(task)) {
			throw ServiceProblem.badRequest("adapter " + id + " was trained on queries of task '" + meta.task()
					+ "', not '" + task + "'");
		}
		return new Selected(id, load(meta));
	}

	/** Forgets the cached active adapter of a collection (after an activation here). */
	void evict(long collectionId) {
		this.active.invalidate(collectionId);
	}

	private Optional<Meta> find(long collectionId, UUID id) {
		String where = (id != null) ? "id = ? AND status = 'ready'" : "active";
		var spec = this.jdbc.sql("SELECT id, task, dimensions, rank FROM retrieval.adapters WHERE collection_id = ? AND "
				+ where).param(collectionId);
		if (id != null) {
			spec = spec.param(id);
		}
		return spec.query((rs, n) -> new Meta(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getInt(4)))
			.optional();
	}

	private LowRankAdapter load(Meta meta) {
		return this.weights.get(meta.id(), (id) -> {
			byte[] bytes = this.jdbc.sql("SELECT weights FROM retrieval.adapters WHERE id = ?")
				.param(id)
				.query(byte[].class)
				.single();
			return LowRankAdapter.fromBytes(meta.dimensions(), meta.rank(), bytes);
		});
	}

}
