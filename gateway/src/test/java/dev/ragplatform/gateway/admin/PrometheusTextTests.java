package dev.ragplatform.gateway.admin;

import java.util.List;

import dev.ragplatform.gateway.admin.PlatformOverview.ConsumerLag;
import dev.ragplatform.gateway.admin.PlatformOverview.DeadLetters;
import dev.ragplatform.gateway.admin.PlatformOverview.Section;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTests {

	static final String INGEST = """
			# HELP rag_ingest_documents_total
			# TYPE rag_ingest_documents_total counter
			rag_ingest_documents_total{application="ingest-service",outcome="embedded"} 120.0
			rag_ingest_documents_total{application="ingest-service",outcome="failed"} 3.0
			rag_ingest_chunks_total{application="ingest-service"} 950.0
			rag_ingest_document_duration_seconds_count{application="ingest-service"} 123
			rag_ingest_document_duration_seconds_sum{application="ingest-service"} 246.0
			kafka_consumer_fetch_manager_records_lag{client_id="c-1",partition="0",topic="rag.documents.v1"} 918.0
			kafka_consumer_fetch_manager_records_lag{client_id="c-1",partition="0",topic="rag_documents_v1"} 918.0
			kafka_consumer_fetch_manager_records_lag{client_id="c-2",partition="1",topic="rag.documents.v1"} 2.0
			kafka_consumer_fetch_manager_records_lag{client_id="c-2",partition="1",topic="rag_documents_v1"} 2.0
			kafka_consumer_fetch_manager_records_lag{client_id="c-4",partition="0",topic="rag.document-status.v1"} NaN
			kafka_consumer_fetch_manager_records_lag_max{client_id="c-1",partition="0",topic="rag.documents.v1"} 2262.0
			rag_kafka_dead_letter_records{application="ingest-service",topic="rag.documents.v1-dlt"} 7.0
			odd{label="with \\"quotes\\", and a comma"} 1.5 1700000000000
			broken{label="unterminated} 1
			""";

	@Test
	void readsSamplesWithLabelsEscapesAndTimestamps() {
		PrometheusText text = PrometheusText.parse(INGEST);

		assertThat(text.sum("rag_ingest_documents_total")).isEqualTo(123.0);
		assertThat(text.sum("rag_ingest_documents_total", (l) -> "failed".equals(l.get("outcome")))).isEqualTo(3.0);
		assertThat(text.samples("odd")).singleElement()
			.satisfies((s) -> assertThat(s.labels()).containsEntry("label", "with \"quotes\", and a comma"))
			.satisfies((s) -> assertThat(s.value()).isEqualTo(1.5));
		assertThat(text.samples("broken")).isEmpty();
		assertThat(text.sum("absent")).isNull();
	}

	@Test
	void countsEachPartitionsLagOnceAndSkipsUnknownLag() {
		Section<PrometheusText> ingest = Section.of(PrometheusText.parse(INGEST));
		Section<PrometheusText> retrieval = Section.unavailable("retrieval-service: Connection refused");

		Section<List<ConsumerLag>> lag = PlatformOverview.lag(ingest, retrieval);

		assertThat(lag.available()).isTrue();
		assertThat(lag.value()).containsExactly(new ConsumerLag("ingest-service", "rag.documents.v1", 920.0));
		assertThat(lag.detail()).contains("retrieval-service");
	}

	@Test
	void deadLettersAreEachServicesTopicAsTheBrokerCountsIt() {
		Section<PrometheusText> ingest = Section.of(PrometheusText.parse(INGEST));
		Section<PrometheusText> retrieval = Section.of(PrometheusText.parse(
				"rag_kafka_dead_letter_records{application=\"retrieval-service\",topic=\"rag.chunks.v1-dlt\"} NaN\n"));

		Section<List<DeadLetters>> deadLetters = PlatformOverview.deadLetters(ingest, retrieval);

		assertThat(deadLetters.available()).isTrue();
		assertThat(deadLetters.value()).containsExactly(new DeadLetters("ingest-service", "rag.documents.v1-dlt", 7.0),
				new DeadLetters("retrieval-service", "rag.chunks.v1-dlt", null));
		assertThat(PlatformOverview.deadLetters(Section.unavailable("ingest-service: refused"),
				Section.unavailable("retrieval-service: refused")).detail())
			.isEqualTo("ingest-service: refused; retrieval-service: refused");
	}

	@Test
	void countersComeFromIngestService() {
		Section<PrometheusText> ingest = Section.of(PrometheusText.parse(INGEST));

		PlatformOverview.IngestCounters counters = PlatformOverview.counters(ingest, Section.unavailable("down")).value();

		assertThat(counters.documentsEmbedded()).isEqualTo(120.0);
		assertThat(counters.documentsFailed()).isEqualTo(3.0);
		assertThat(counters.chunks()).isEqualTo(950.0);
		assertThat(counters.meanDocumentSeconds()).isEqualTo(2.0);
		assertThat(PlatformOverview.counters(Section.unavailable("ingest-service: refused"), ingest).available()).isFalse();
	}

}
