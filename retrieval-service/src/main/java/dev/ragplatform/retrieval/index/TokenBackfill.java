package dev.ragplatform.retrieval.index;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionRepository;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import dev.ragplatform.retrieval.embedding.EmbeddingClient;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Computes the token vectors a collection's chunks lack: those indexed before the collection kept them, or sent
 * without them. Every few seconds, per collection that keeps them, it takes a batch of such chunks (locked with
 * {@code SKIP LOCKED}, so replicas share the work), has embedding-service encode their texts as ingest-service
 * would, and stores the vectors where the chunk is still the version it read. What is done is committed per batch;
 * a failure (embedding-service down) ends the round, and the next round resumes from what is still missing.
 */
@Component
class TokenBackfill {

	private static final Logger logger = LoggerFactory.getLogger(TokenBackfill.class);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final CollectionRepository collections;

	private final EmbeddingClient embeddings;

	private final int batchSize;

	private final ScheduledExecutorService scheduler;

	TokenBackfill(JdbcTemplate jdbc, TransactionTemplate transactions, CollectionRepository collections,
			EmbeddingClient embeddings, RetrievalProperties properties) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.collections = collections;
		this.embeddings = embeddings;
		this.batchSize = properties.index().backfillBatchSize();
		this.scheduler = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("token-backfill").daemon(true).factory());
		long every = properties.index().backfillInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
	}

	@PreDestroy
	void stop() {
		this.scheduler.shutdownNow();
	}

	void round() {
		try {
			for (Collection collection : this.collections.findKeepingTokens()) {
				int done;
				do {
					done = batch(collection);
				}
				while (done > 0 && !Thread.currentThread().isInterrupted());
			}
		}
		catch (RuntimeException ex) {
			// embedding-service down, the collection deleted meanwhile, the database restarting: the next round resumes
			logger.warn("Token vector backfill paused: {}", ex.toString());
		}
	}

	/** One batch of chunks without token vectors; how many got them. */
	int batch(Collection collection) {
		Integer stored = this.transactions.execute((tx) -> {
			List<Missing> missing = this.jdbc.query("SELECT document_id, chunk_index, version, text FROM "
					+ collection.partition() + " WHERE collection_id = ? AND token_vectors IS NULL "
					+ "ORDER BY document_id, chunk_index LIMIT ? FOR UPDATE SKIP LOCKED",
					(rs, n) -> new Missing(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4)),
					collection.id(), this.batchSize);
			if (missing.isEmpty()) {
				return 0;
			}
			List<byte[]> tokens = this.embeddings.embedDocumentTokens(collection.embeddingModel(),
					collection.defaultTask(), missing.stream().map(Missing::text).toList(), collection.tokenStorage());
			List<Object[]> rows = new java.util.ArrayList<>(missing.size());
			for (int i = 0; i < missing.size(); i++) {
				byte[] vectors = tokens.get(i);
				if (collection.tokenStorage().tokens(vectors, collection.dimensions()) == 0) {
					throw new IllegalStateException("embedding-service returned " + vectors.length + " bytes of "
							+ collection.tokenStorage().id() + " token vectors for a chunk of " + collection.name());
				}
				Missing m = missing.get(i);
				rows.add(new Object[] { vectors, collection.id(), m.documentId(), m.chunkIndex(), m.version() });
			}
			this.jdbc.batchUpdate("UPDATE " + collection.partition() + " SET token_vectors = ? WHERE collection_id = ? "
					+ "AND document_id = ? AND chunk_index = ? AND version = ?", rows);
			return missing.size();
		});
		if (stored != null && stored > 0) {
			logger.debug("Backfilled the token vectors of {} chunks of {}", stored, collection.name());
		}
		return (stored != null) ? stored : 0;
	}

	private record Missing(String documentId, int chunkIndex, long version, String text) {
	}

}
