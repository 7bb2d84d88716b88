package dev.ragplatform.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class its own database, with the {@code vector} extension installed, on a real PostgreSQL.
 * <p>
 * The server is, in this order: {@code RAG_TEST_PG_URL} (plus {@code RAG_TEST_PG_USER}/{@code RAG_TEST_PG_PASSWORD})
 * when set; a Testcontainers {@code pgvector/pgvector} container when a Docker engine answers; otherwise a
 * throwaway cluster started from the PostgreSQL binaries installed on the machine. When none works the test
 * <b>fails</b> with the way to install what is missing; it never skips.
 * <p>
 * Test methods may take a {@link PostgresDatabase} parameter. In a Spring test the {@code spring.datasource.*}
 * properties point at the same database, and the class gets a context of its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PostgresExtension.class)
public @interface RealPostgres {
}
