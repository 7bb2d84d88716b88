package dev.ragplatform.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code rag.kafka.dead.letter.records{topic}}: the records a dead-letter topic holds (latest minus earliest offset,
 * summed over its partitions), read from the broker — so the figure counts every replica's dead letters and survives
 * restarts, unlike a counter. Read when scraped, at most every {@code refresh} and within 1.5 s; {@code NaN} while
 * the broker cannot be asked (the reason is not a metric's business: the service's health says it), 0 for a topic not created yet.
 */
public final class DeadLetterMeter implements MeterBinder, AutoCloseable {

	public static final String NAME = "rag.kafka.dead.letter.records";

	/** All of one reading (three admin calls): well inside a scrape's, and the console overview's, 5 s. */
	private static final Duration TIMEOUT = Duration.ofMillis(1500);

	private final Map<String, Object> adminConfig;

	private final List<String> topics;

	private final long refreshNanos;

	private final Map<String, Double> values = new HashMap<>();

	private long readAt;

	private Admin admin;

	private boolean closed;

	/**
	 * @param adminConfig the Kafka admin client's configuration (e.g. Spring's {@code KafkaAdmin} properties)
	 * @param topics the dead-letter topics to measure
	 * @param refresh how long a reading is reused
	 */
	public DeadLetterMeter(Map<String, Object> adminConfig, List<String> topics, Duration refresh) {
		this.adminConfig = new HashMap<>(adminConfig);
		this.adminConfig.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		this.adminConfig.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		this.topics = List.copyOf(topics);
		this.refreshNanos = refresh.toNanos();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String topic : this.topics) {
			Gauge.builder(NAME, this, (meter) -> meter.records(topic))
				.tag("topic", topic)
				.description("Records held by a dead-letter topic (poison messages, each with its reason in a header)")
				.register(registry);
		}
	}

	/** The records the topic holds, from a reading at most {@code refresh} old. */
	public synchronized double records(String topic) {
		long now = System.nanoTime();
		// an unreadable topic (NaN) is asked again at the next scrape, a read one after refresh
		if (this.values.isEmpty() || now - this.readAt > this.refreshNanos || this.values.containsValue(Double.NaN)) {
			this.readAt = now;
			this.values.clear();
			for (String t : this.topics) {
				this.values.put(t, read(t));
			}
		}
		return this.values.getOrDefault(topic, Double.NaN);
	}

	private double read(String topic) {
		if (this.closed) {
			return Double.NaN;
		}
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		try {
			Admin client = admin();
			Map<String, TopicDescription> described = client.describeTopics(List.of(topic))
				.allTopicNames()
				.get(left(deadline), TimeUnit.NANOSECONDS);
			Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			described.get(topic).partitions().forEach((p) -> {
				earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
				latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
			});
			Map<TopicPartition, ListOffsetsResultInfo> first = client.listOffsets(earliest)
				.all()
				.get(left(deadline), TimeUnit.NANOSECONDS);
			Map<TopicPartition, ListOffsetsResultInfo> last = client.listOffsets(latest)
				.all()
				.get(left(deadline), TimeUnit.NANOSECONDS);
			long records = 0;
			for (var entry : last.entrySet()) {
				records += entry.getValue().offset() - first.get(entry.getKey()).offset();
			}
			return records;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return (ex.getCause() instanceof UnknownTopicOrPartitionException) ? 0 : Double.NaN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Double.NaN;
		}
		catch (java.util.concurrent.TimeoutException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	private static long left(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	private Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.adminConfig);
		}
		return this.admin;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(2));
			this.admin = null;
		}
	}

}
