package dev.ragplatform.ingest.pipeline;

import java.sql.SQLException;

import dev.ragplatform.ingest.web.DependencyUnavailableException;

/** Which failures are transient: the document is fine, something it needs is not (yet). */
final class Failures {

	private Failures() {
	}

	static boolean isTransient(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof PoisonDocumentException) {
				return false;
			}
			if (t instanceof DependencyUnavailableException
					|| t instanceof org.springframework.dao.TransientDataAccessException
					|| t instanceof org.springframework.dao.DataAccessResourceFailureException
					// a commit or rollback that fails (the connection died under it: "JDBC rollback failed" then
					// hides the database's own error) is the database's trouble, never the document's
					|| t instanceof org.springframework.transaction.TransactionException
					|| t instanceof org.springframework.kafka.KafkaException
					|| t instanceof org.apache.kafka.common.errors.RetriableException
					|| t instanceof java.util.concurrent.TimeoutException
					|| t instanceof java.net.ConnectException) {
				return true;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				// 40: rollback (deadlock, serialization), 08: connection, 53: resources, 57P: shutdown
				if (state.startsWith("40") || state.startsWith("08") || state.startsWith("53")
						|| state.startsWith("57P")) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * What a document's status may say about a failure nobody foresaw: its kind, not its message (which may name
	 * hosts, SQL or files); the message and stack go to the log.
	 */
	static String unexpected(Throwable ex) {
		return "unexpected failure (" + ex.getClass().getSimpleName() + "); the details are in ingest-service's log";
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		return (message != null && !message.isBlank()) ? message : ex.getClass().getSimpleName();
	}

}
