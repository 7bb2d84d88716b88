package dev.ragplatform.runtime.failure;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class TransientFailuresTests {

	static class Poison extends RuntimeException {

		Poison(Throwable cause) {
			super("bad record", cause);
		}

	}

	static class PeerDown extends RuntimeException {

	}

	private final TransientFailures rules = TransientFailures.of(List.of(Poison.class), List.of(PeerDown.class));

	@Test
	void theInfrastructuresFailuresAreTransientWhereverTheyAreInTheChain() {
		assertThat(this.rules.isTransient(new RuntimeException(new SQLException("gone", "08006")))).isTrue();
		assertThat(this.rules.isTransient(new SQLException("deadlock", "40P01"))).isTrue();
		assertThat(this.rules.isTransient(new SQLException("admin shutdown", "57P01"))).isTrue();
		assertThat(this.rules.isTransient(new QueryTimeoutException("slow"))).isTrue();
		assertThat(this.rules.isTransient(new TransactionSystemException("JDBC rollback failed"))).isTrue();
		assertThat(this.rules.isTransient(new IllegalStateException(new ConnectException("refused")))).isTrue();
		assertThat(this.rules.isTransient(new PeerDown())).isTrue();
	}

	@Test
	void theWorksOwnFailuresAreNot() {
		assertThat(this.rules.isTransient(new SQLException("unique violation", "23505"))).isFalse();
		assertThat(this.rules.isTransient(new IllegalArgumentException("bad"))).isFalse();
		// the service's poison wins even over an infrastructure failure further down
		assertThat(this.rules.isTransient(new Poison(new SQLException("gone", "08006")))).isFalse();
	}


	@Test
	void causeOfFindsTheFirstOfItsTypeInTheChainOrNothing() {
		IllegalArgumentException poison = new IllegalArgumentException("bad record");
		RuntimeException wrapped = new RuntimeException("listener failed", new IllegalStateException("batch", poison));
		assertThat(TransientFailures.causeOf(wrapped, IllegalArgumentException.class)).isSameAs(poison);
		assertThat(TransientFailures.causeOf(wrapped, java.io.IOException.class)).isNull();
	}

}
