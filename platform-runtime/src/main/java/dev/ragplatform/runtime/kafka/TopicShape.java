package dev.ragplatform.runtime.kafka;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the services declare the platform's topics when they create them: partitions, replication factor and
 * {@code min.insync.replicas}. With the producers' {@code acks=all}, a replication factor of 3 and two in-sync
 * replicas keep every acknowledged record through the loss of one broker (the Helm chart's defaults); a single local
 * broker takes 1 and 1.
 *
 * @param partitions partitions of each topic
 * @param replicationFactor copies of each partition
 * @param minInsyncReplicas copies that must have a record before it is acknowledged
 */
public record TopicShape(int partitions, int replicationFactor, int minInsyncReplicas) {

	public TopicShape {
		if (partitions < 1 || replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
			throw new IllegalArgumentException("need partitions >= 1 and 1 <= min.insync.replicas <= replication factor, "
					+ "got " + partitions + ", " + replicationFactor + ", " + minInsyncReplicas);
		}
	}

	/** The topic {@code name} in this shape. */
	public NewTopic declare(String name) {
		return new NewTopic(name, Optional.of(this.partitions), Optional.of((short) this.replicationFactor))
			.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(this.minInsyncReplicas)));
	}

}
