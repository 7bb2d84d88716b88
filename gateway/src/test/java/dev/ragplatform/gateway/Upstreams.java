package dev.ragplatform.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.ragplatform.testsupport.EmbeddingServiceProcess;
import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealInfrastructure;
import dev.ragplatform.testsupport.ServiceProcess;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real services behind the gateway, started from their packaged jars once per test JVM and only when a test
 * needs them: embedding-service, retrieval-service and ingest-service (one throwaway PostgreSQL database of their
 * own and this JVM's Kafka broker), rerank-service and llm-adapter (no LLM).
 */
final class Upstreams {

	private static ServiceProcess retrieval;

	private static ServiceProcess ingest;

	private static ServiceProcess rerank;

	private static ServiceProcess llmAdapter;

	private Upstreams() {
	}

	static URI embedding() {
		return EmbeddingServiceProcess.url();
	}

	static synchronized URI retrieval() {
		if (retrieval == null) {
			retrieval = ServiceProcess.start("retrieval-service", "512m", common("--spring.kafka.consumer.group-id=retrieval-"
					+ UUID.randomUUID(), "--rag.retrieval.embedding.url=" + embedding(),
					"--rag.retrieval.rerank.url=" + rerank()));
		}
		return retrieval.url();
	}

	static synchronized URI ingest() {
		if (ingest == null) {
			ingest = ServiceProcess.start("ingest-service", "512m",
					common("--rag.ingest.embedding.url=" + embedding(), "--rag.ingest.retrieval.url=" + retrieval()));
		}
		return ingest.url();
	}

	static synchronized URI rerank() {
		if (rerank == null) {
			rerank = ServiceProcess.start("rerank-service", "768m", List.of());
		}
		return rerank.url();
	}

	static synchronized URI llmAdapter() {
		if (llmAdapter == null) {
			llmAdapter = ServiceProcess.start("llm-adapter", "512m", List.of("--rag.llm.provider=none",
					"--rag.llm.retrieval.url=" + retrieval(), "--rag.llm.apis.ingest-url=" + ingest()));
		}
		return llmAdapter.url();
	}

	/** Points every service of the gateway at the real ones (starting all five). */
	static void all(DynamicPropertyRegistry registry) {
		registry.add("rag.gateway.services.embedding.url", () -> embedding().toString());
		registry.add("rag.gateway.services.rerank.url", () -> rerank().toString());
		registry.add("rag.gateway.services.retrieval.url", () -> retrieval().toString());
		registry.add("rag.gateway.services.ingest.url", () -> ingest().toString());
		registry.add("rag.gateway.services.llm-adapter.url", () -> llmAdapter().toString());
	}

	private static List<String> common(String... more) {
		PostgresDatabase db = RealInfrastructure.postgres(Upstreams.class);
		List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
				"--spring.kafka.bootstrap-servers=" + RealInfrastructure.kafka().bootstrapServers()));
		args.addAll(List.of(more));
		return args;
	}

}
