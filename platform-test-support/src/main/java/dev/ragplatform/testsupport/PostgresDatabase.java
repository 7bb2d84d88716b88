package dev.ragplatform.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** One database on a real PostgreSQL server, owned by one test class. */
public record PostgresDatabase(String jdbcUrl, String username, String password) {

	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, this.username, this.password);
	}

}
