package dev.ragplatform.retrieval.index;

import dev.ragplatform.contracts.chunk.ChunkEvent;
import dev.ragplatform.contracts.chunk.DocumentChunks;
import dev.ragplatform.contracts.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code rag.chunks.v1}. Offsets are committed only after the record's transaction commits, so a crash
 * re-delivers it, which {@link ChunkStore} makes harmless.
 */
@Component
class ChunkIndexer {

	private final ChunkStore store;

	private final JsonMapper json;

	private final MeterRegistry meters;

	private final StatusPublisher status;

	private final ObservationRegistry observations;

	ChunkIndexer(ChunkStore store, StatusPublisher status, JsonMapper json, MeterRegistry meters,
			ObservationRegistry observations) {
		this.observations = observations;
		this.store = store;
		this.status = status;
		this.json = json;
		this.meters = meters;
	}

	@KafkaListener(id = "chunk-indexer", idIsGroup = false, topics = Topics.CHUNKS, concurrency = "${rag.retrieval.index.concurrency}")
	void onRecord(ConsumerRecord<String, String> record) {
		ChunkEvent event = parse(record.value());
		// inside the listener's span, which continues the trace the chunks' producer (ingest) sent in the headers
		ChunkStore.Outcome outcome = Observation.createNotStarted("rag.retrieval.index", this.observations)
			.contextualName("retrieval index")
			.observe(() -> this.store.apply(event));
		switch (outcome) {
			case INDEXED, DUPLICATE -> {
				if (event instanceof DocumentChunks chunks) {
					this.status.indexed(chunks.collection(), chunks.documentId(), chunks.version(), chunks.totalChunks());
				}
			}
			case DELETED -> this.status.deleted(event.collection(), event.documentId(), event.version());
			case PENDING, STALE -> {
				// nothing new is searchable
			}
		}
		this.meters.counter("rag.retrieval.indexer.events", "outcome", outcome.name().toLowerCase()).increment();
	}

	private ChunkEvent parse(String value) {
		if (value == null || value.isBlank()) {
			throw new PoisonRecordException("empty record");
		}
		try {
			ChunkEvent event = this.json.readValue(value, ChunkEvent.class);
			if (event.collection() == null || event.documentId() == null) {
				throw new PoisonRecordException("collection and documentId are required");
			}
			return event;
		}
		catch (JacksonException ex) {
			throw new PoisonRecordException("not a chunk event: " + ex.getOriginalMessage(), ex);
		}
	}

}
