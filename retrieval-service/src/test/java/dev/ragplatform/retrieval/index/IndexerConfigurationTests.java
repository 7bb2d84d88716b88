package dev.ragplatform.retrieval.index;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

import static org.assertj.core.api.Assertions.assertThat;

class IndexerConfigurationTests {

	@Test
	void databaseOutagesAndConcurrencyFailuresAreRetriedUntilTheyPass() {
		assertThat(IndexerConfiguration.transientFailure(wrapped(new CannotGetJdbcConnectionException("down",
				new SQLException("refused", "08001"))))).isTrue();
		assertThat(IndexerConfiguration.transientFailure(wrapped(new CannotAcquireLockException("deadlock")))).isTrue();
		assertThat(IndexerConfiguration.transientFailure(wrapped(new RuntimeException(new SQLException("x", "40P01")))))
			.isTrue();
		assertThat(IndexerConfiguration.transientFailure(wrapped(new RuntimeException(new ConnectException()))))
			.isTrue();
	}

	@Test
	void poisonAndConstraintViolationsAreNot() {
		assertThat(IndexerConfiguration.transientFailure(wrapped(new PoisonRecordException("bad")))).isFalse();
		assertThat(IndexerConfiguration.transientFailure(wrapped(new DataIntegrityViolationException("check"))))
			.isFalse();
		assertThat(IndexerConfiguration.transientFailure(wrapped(new IllegalStateException("bug")))).isFalse();
	}

	private static Exception wrapped(Exception cause) {
		return new ListenerExecutionFailedException("listener failed", cause);
	}

}
