package dev.ragplatform.testsupport;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PostgresServerTests {

	@Test
	void derivesTheUrlOfAnotherDatabaseKeepingParameters() {
		var server = new PostgresServer("jdbc:postgresql://db:5432/postgres?sslmode=disable", "u", "p", "test");
		assertThat(server.urlOf("t_x_1")).isEqualTo("jdbc:postgresql://db:5432/t_x_1?sslmode=disable");
	}

	@Test
	void rejectsUrlsThatAreNotPostgres() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PostgresServer("jdbc:mysql://x/y", "u", "p", "t"));
	}

	@Test
	void databaseNamesAreSafeIdentifiersOfAtMost63Characters() {
		String name = PostgresServer.databaseName("dev.ragplatform.Some$Very-Long.ClassName" + "X".repeat(80));
		assertThat(name).matches("[a-z0-9_]+").hasSizeLessThanOrEqualTo(63).startsWith("t_classname");
		assertThat(PostgresServer.databaseName("a.B")).isNotEqualTo(PostgresServer.databaseName("a.B"));
	}

	@Test
	void findsNoBinariesWhereThereAreNone(@TempDir Path empty) {
		assertThat(LocalPostgresCluster.findBinaries(List.of(empty, empty.resolve("missing")))).isEmpty();
		assertThat(LocalPostgresCluster.INSTALL_HINT).contains("install-prerequisites.sh").contains("RAG_TEST_PG_URL");
	}

}
