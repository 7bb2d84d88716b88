package dev.ragplatform.testsupport;

/** A real Kafka broker a test can reach. */
public record KafkaBroker(String bootstrapServers) {
}
