package dev.ragplatform.testsupport;

/**
 * The same real infrastructure the test extensions give, for benchmarks and evaluation tools that run outside
 * JUnit: a throwaway PostgreSQL database with pgvector, and a Kafka broker.
 */
public final class RealInfrastructure {

	private RealInfrastructure() {
	}

	/** A fresh database named after {@code owner} on this JVM's PostgreSQL server. */
	public static PostgresDatabase postgres(Class<?> owner) {
		return PostgresServers.databaseFor(owner);
	}

	/** This JVM's Kafka broker. */
	public static KafkaBroker kafka() {
		return KafkaBrokers.shared();
	}

}
