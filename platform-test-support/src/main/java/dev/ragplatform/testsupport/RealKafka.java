package dev.ragplatform.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test a real Kafka broker: {@code RAG_TEST_KAFKA_BOOTSTRAP} when set, otherwise a single-node KRaft
 * broker started in this JVM (one per JVM, stopped when it exits).
 * <p>
 * Test methods may take a {@link KafkaBroker} parameter. In a Spring test {@code spring.kafka.bootstrap-servers}
 * points at the broker.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaExtension.class)
public @interface RealKafka {
}
