package dev.ragplatform.ingest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.ragplatform.testsupport.ActuatorProbe;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealPostgres;
import dev.ragplatform.testsupport.RealKafka;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Boots the service on a real port against real PostgreSQL and Kafka and probes it as Kubernetes and Prometheus would. */
// closed after the class: a cached context's listeners would go on taking the next classes' records
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
@RealKafka
class IngestServiceApplicationIT {

	@LocalServerPort
	int port;

	@Test
	void isLiveReadyAndExportsMetrics() {
		new ActuatorProbe(this.port).assertLiveReadyAndScraped("ingest-service");
	}

	@Test
	void readinessIncludesTheDatabaseAndFlywayOwnsTheSchema(PostgresDatabase db) throws Exception {
		assertThat(new ActuatorProbe(this.port).get("/actuator/health/readiness").body()).contains("\"db\"");
		try (Connection c = db.connect(); Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("SELECT count(*) FROM ingest.flyway_schema_history WHERE success")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getInt(1)).isPositive();
		}
	}

}
