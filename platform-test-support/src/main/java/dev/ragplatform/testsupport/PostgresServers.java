package dev.ragplatform.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** Chooses the PostgreSQL server for this JVM once, and hands out one database per test class. */
final class PostgresServers {

	static final String PGVECTOR_IMAGE = "pgvector/pgvector:0.8.1-pg17";

	private static PostgresServer shared;

	private static final Map<String, PostgresDatabase> DATABASES = new ConcurrentHashMap<>();

	private PostgresServers() {
	}

	static PostgresDatabase databaseFor(Class<?> testClass) {
		return DATABASES.computeIfAbsent(testClass.getName(), (name) -> shared().createDatabase(name));
	}

	static synchronized PostgresServer shared() {
		if (shared == null) {
			shared = choose();
		}
		return shared;
	}

	private static PostgresServer choose() {
		String url = System.getenv("RAG_TEST_PG_URL");
		if (url != null && !url.isBlank()) {
			return new PostgresServer(url, envOr("RAG_TEST_PG_USER", "postgres"), envOr("RAG_TEST_PG_PASSWORD", ""),
					"RAG_TEST_PG_URL=" + url);
		}
		if (!"false".equalsIgnoreCase(System.getenv("RAG_TEST_DOCKER")) && dockerAnswers()) {
			PostgreSQLContainer container = new PostgreSQLContainer(
					DockerImageName.parse(PGVECTOR_IMAGE).asCompatibleSubstituteFor("postgres"));
			container.start();
			return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"Testcontainers " + PGVECTOR_IMAGE);
		}
		return LocalPostgresCluster.start();
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

}
