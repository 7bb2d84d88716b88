package dev.ragplatform.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.pgvector.PGvector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves the infrastructure every service stands on: a Kafka round-trip and a pgvector nearest-neighbour query. */
@RealPostgres
@RealKafka
class InfrastructureIT {

	@Test
	void kafkaRecordsMakeTheRoundTripInOrder(KafkaBroker broker) throws Exception {
		String topic = "roundtrip-" + UUID.randomUUID();
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
		}
		try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
				new StringSerializer())) {
			for (int i = 0; i < 3; i++) {
				producer.send(new ProducerRecord<>(topic, "doc-" + i, "chunk " + i)).get();
			}
		}
		List<ConsumerRecord<String, String>> received = new ArrayList<>();
		try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
			consumer.subscribe(List.of(topic));
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (received.size() < 3 && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(received::add);
			}
		}
		assertThat(received).extracting(ConsumerRecord::key).containsExactly("doc-0", "doc-1", "doc-2");
		assertThat(received).extracting(ConsumerRecord::value).containsExactly("chunk 0", "chunk 1", "chunk 2");
	}

	@Test
	void pgvectorHnswIndexReturnsNearestNeighboursInDistanceOrder(PostgresDatabase db) throws Exception {
		try (Connection c = db.connect(); Statement s = c.createStatement()) {
			s.execute("CREATE EXTENSION IF NOT EXISTS vector");
			try (ResultSet rs = s.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'vector'")) {
				assertThat(rs.next()).isTrue();
				assertThat(versionAtLeast(rs.getString(1), 0, 8)).as("pgvector %s >= 0.8", rs.getString(1)).isTrue();
			}
			PGvector.addVectorType(c);
			s.execute("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
			s.execute("CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_l2_ops)");
			try (PreparedStatement insert = c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
				float[][] vectors = { { 1, 0, 0 }, { 0, 1, 0 }, { 0.9f, 0.1f, 0 }, { 0, 0, 2 }, { 0.5f, 0.5f, 0 } };
				for (int i = 0; i < vectors.length; i++) {
					insert.setInt(1, i + 1);
					insert.setObject(2, new PGvector(vectors[i]));
					insert.addBatch();
				}
				insert.executeBatch();
			}
			s.execute("SET enable_seqscan = off");
			String query = "SELECT id FROM items ORDER BY embedding <-> '[1,0,0]' LIMIT 4";
			StringBuilder plan = new StringBuilder();
			try (ResultSet rs = s.executeQuery("EXPLAIN " + query)) {
				while (rs.next()) {
					plan.append(rs.getString(1)).append('\n');
				}
			}
			assertThat(plan).as("query plan").contains("items_hnsw");
			List<Integer> ids = new ArrayList<>();
			try (ResultSet rs = s.executeQuery(query)) {
				while (rs.next()) {
					ids.add(rs.getInt(1));
				}
			}
			assertThat(ids).containsExactly(1, 3, 5, 2);
		}
	}

	private static boolean versionAtLeast(String version, int major, int minor) {
		String[] parts = version.split("\\.");
		int ma = Integer.parseInt(parts[0]);
		int mi = (parts.length > 1) ? Integer.parseInt(parts[1]) : 0;
		return ma > major || (ma == major && mi >= minor);
	}

}
