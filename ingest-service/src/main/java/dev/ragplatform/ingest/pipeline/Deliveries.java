package dev.ragplatform.ingest.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Counts, in {@code ingest.deliveries}, the starts of a record's processing that did not finish, so that a record
 * which kills the process (out of memory, a native crash) is recognised when it comes back after the restart, and
 * is given up instead of killing the process again. The count survives the crash because it is committed before
 * the work starts.
 */
@Repository
class Deliveries {

	private final JdbcClient jdbc;

	Deliveries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * What is known of a record: its starts that did not finish (0 for a record seen for the first time), and the
	 * poison verdict it was given, if any, while it waits to be dead-lettered.
	 */
	record Delivery(int unfinished, PoisonDocumentException poison) {
	}

	Delivery of(ConsumerRecord<?, ?> record) {
		return this.jdbc.sql("SELECT started, poison_stage, poison_reason FROM ingest.deliveries WHERE topic = ? "
				+ "AND partition = ? AND record_offset = ?")
			.params(record.topic(), record.partition(), record.offset())
			.query((rs, n) -> new Delivery(rs.getInt(1), (rs.getString(2) != null)
					? new PoisonDocumentException(rs.getString(2), rs.getString(3)) : null))
			.optional()
			.orElse(new Delivery(0, null));
	}

	/** Keeps the record's poison verdict until {@link #finished} (after it was dead-lettered). */
	void poisoned(ConsumerRecord<?, ?> record, PoisonDocumentException poison) {
		this.jdbc.sql("""
				INSERT INTO ingest.deliveries (topic, partition, record_offset, started, poison_stage, poison_reason)
				VALUES (?, ?, ?, 0, ?, ?)
				ON CONFLICT (topic, partition, record_offset)
				DO UPDATE SET poison_stage = excluded.poison_stage, poison_reason = excluded.poison_reason""")
			.params(record.topic(), record.partition(), record.offset(), poison.stage(), poison.getMessage())
			.update();
	}

	/** Records a start, committed before the work begins; returns the starts so far, this one included. */
	int start(ConsumerRecord<?, ?> record) {
		return this.jdbc.sql("""
				INSERT INTO ingest.deliveries (topic, partition, record_offset, started) VALUES (?, ?, ?, 1)
				ON CONFLICT (topic, partition, record_offset)
				DO UPDATE SET started = deliveries.started + 1, last_started_at = now()
				RETURNING started""")
			.params(record.topic(), record.partition(), record.offset())
			.query(Integer.class)
			.single();
	}

	/** The record is done with (processed, failed or dead-lettered): it will not be delivered again. */
	void finished(ConsumerRecord<?, ?> record) {
		this.jdbc.sql("DELETE FROM ingest.deliveries WHERE topic = ? AND partition = ? AND record_offset = ?")
			.params(record.topic(), record.partition(), record.offset())
			.update();
	}

	/**
	 * Takes back a start that ended in a transient failure (a dependency down): that is not the record's fault, and
	 * an outage must not use up its deliveries.
	 */
	void interrupted(ConsumerRecord<?, ?> record) {
		this.jdbc.sql("""
				WITH gone AS (
				    DELETE FROM ingest.deliveries WHERE topic = ? AND partition = ? AND record_offset = ? AND started = 1)
				UPDATE ingest.deliveries SET started = started - 1
				WHERE topic = ? AND partition = ? AND record_offset = ? AND started > 1""")
			.params(record.topic(), record.partition(), record.offset(), record.topic(), record.partition(),
					record.offset())
			.update();
	}

}
