package dev.ragplatform.runtime.failure;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Which failures are transient, the same rules for every service: the work is fine, something it needs (the
 * database, a broker, another service) is not, yet; so wait and retry instead of failing the work. A service names
 * its own permanent failures (its poison types), which win wherever they are in the cause chain, and any transient
 * ones of its own (a dependency's "unavailable" exception).
 */
public final class TransientFailures {

	private final List<Class<? extends Throwable>> permanent;

	private final List<Class<? extends Throwable>> alsoTransient;

	private TransientFailures(List<Class<? extends Throwable>> permanent,
			List<Class<? extends Throwable>> alsoTransient) {
		this.permanent = permanent;
		this.alsoTransient = alsoTransient;
	}

	/** The shared rules, with the service's permanent failures first and its own transient ones. */
	public static TransientFailures of(List<Class<? extends Throwable>> permanent,
			List<Class<? extends Throwable>> alsoTransient) {
		return new TransientFailures(List.copyOf(permanent), List.copyOf(alsoTransient));
	}

	public boolean isTransient(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			for (Class<? extends Throwable> type : this.permanent) {
				if (type.isInstance(t)) {
					return false;
				}
			}
			if (isInfrastructure(t)) {
				return true;
			}
			for (Class<? extends Throwable> type : this.alsoTransient) {
				if (type.isInstance(t)) {
					return true;
				}
			}
		}
		return false;
	}

	/** The first exception of {@code type} in the cause chain of {@code ex}, or null (the poison a handler sees wrapped). */
	public static <T extends Throwable> T causeOf(Throwable ex, Class<T> type) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

	private static boolean isInfrastructure(Throwable t) {
		if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
				// a commit or rollback that fails (the connection died under it: "JDBC rollback failed" then hides
				// the database's own error) is the database's trouble, never the work's
				|| t instanceof TransactionException || t instanceof SQLTransientException
				|| t instanceof ConnectException || t instanceof TimeoutException) {
			return true;
		}
		if (t instanceof SQLException sql && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			// 40: rollback (deadlock, serialization), 08: connection, 53: resources, 57P: shutdown
			return state.startsWith("40") || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P");
		}
		return false;
	}

}
