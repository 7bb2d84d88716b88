package dev.ragplatform.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PostgreSQL server on which tests may create databases; {@code maintenanceUrl} names an existing database. */
record PostgresServer(String maintenanceUrl, String username, String password, String description) {

	private static final Pattern JDBC_URL = Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$");

	private static final AtomicInteger SEQUENCE = new AtomicInteger();

	static final String PGVECTOR_HINT = """
			pgvector (>= 0.8) is not installed for this PostgreSQL server (%s).
			  Debian/Ubuntu: run ./scripts/install-prerequisites.sh (as root), which installs the \
			postgresql-<major>-pgvector package or builds it from the Debian source package of suite trixie;
			  or point RAG_TEST_PG_URL at a server that has it (e.g. the pgvector/pgvector image).""";

	PostgresServer {
		if (!JDBC_URL.matcher(maintenanceUrl).matches()) {
			throw new IllegalArgumentException("Not a jdbc:postgresql://host:port/database URL: " + maintenanceUrl);
		}
	}

	String urlOf(String database) {
		Matcher m = JDBC_URL.matcher(this.maintenanceUrl);
		m.matches();
		return m.group(1) + database + (m.group(3) != null ? m.group(3) : "");
	}

	/** Creates a new database named after the test class, with the vector extension installed. */
	PostgresDatabase createDatabase(String owner) {
		String name = databaseName(owner);
		try (Connection c = DriverManager.getConnection(this.maintenanceUrl, this.username, this.password);
				Statement s = c.createStatement()) {
			s.execute("CREATE DATABASE \"" + name + "\"");
		}
		catch (SQLException ex) {
			throw new InfrastructureUnavailableException(
					"Cannot create database " + name + " on " + this.description + ": " + ex.getMessage(), ex);
		}
		PostgresDatabase db = new PostgresDatabase(urlOf(name), this.username, this.password);
		try (Connection c = db.connect(); Statement s = c.createStatement()) {
			s.execute("CREATE EXTENSION IF NOT EXISTS vector");
		}
		catch (SQLException ex) {
			if ("58P01".equals(ex.getSQLState()) || String.valueOf(ex.getMessage()).contains("extension control file")) {
				throw new InfrastructureUnavailableException(PGVECTOR_HINT.formatted(this.description), ex);
			}
			throw new InfrastructureUnavailableException(
					"Cannot install the vector extension in " + name + " on " + this.description + ": " + ex.getMessage(), ex);
		}
		return db;
	}

	static String databaseName(String owner) {
		String simple = owner.substring(owner.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
		String suffix = "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
		String prefix = "t_" + simple;
		return prefix.substring(0, Math.min(prefix.length(), 63 - suffix.length())) + suffix;
	}

}
