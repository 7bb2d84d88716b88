package dev.ragplatform.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One real broker per JVM: {@code RAG_TEST_KAFKA_BOOTSTRAP}, or a single-node KRaft broker in this JVM. */
final class KafkaBrokers {

	private static KafkaBroker shared;

	private KafkaBrokers() {
	}

	static synchronized KafkaBroker shared() {
		if (shared == null) {
			shared = start();
		}
		return shared;
	}

	private static KafkaBroker start() {
		String external = System.getenv("RAG_TEST_KAFKA_BOOTSTRAP");
		if (external != null && !external.isBlank()) {
			return new KafkaBroker(external);
		}
		try {
			EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
			broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
			broker.afterPropertiesSet();
			Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "rag-kafka-stop"));
			return new KafkaBroker(broker.getBrokersAsString());
		}
		catch (RuntimeException | LinkageError ex) {
			throw new InfrastructureUnavailableException("Cannot start the in-process KRaft Kafka broker ("
					+ ex + "). Check that org.springframework.kafka:spring-kafka-test and the Kafka server jars "
					+ "are on the test classpath, or set RAG_TEST_KAFKA_BOOTSTRAP to a running broker.", ex);
		}
	}

}
