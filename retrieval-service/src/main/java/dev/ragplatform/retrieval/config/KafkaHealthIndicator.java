package dev.ragplatform.retrieval.config;

import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * {@code kafka} in {@code /actuator/health}: whether the broker answers. Not part of readiness, on purpose: search
 * works without Kafka, and the indexer catches up when the broker returns.
 */
@Component("kafka")
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	private final AdminClient admin;

	KafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
		super("Kafka health check failed");
		this.admin = AdminClient.create(kafkaAdmin.getConfigurationProperties());
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		var cluster = this.admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
		builder.up()
			.withDetail("clusterId", cluster.clusterId().get(3, TimeUnit.SECONDS))
			.withDetail("nodes", cluster.nodes().get(3, TimeUnit.SECONDS).size());
	}

	@Override
	public void destroy() {
		this.admin.close();
	}

}
