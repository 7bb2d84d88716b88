package dev.ragplatform.testsupport;

import java.net.URI;
import java.util.List;

/**
 * The real embedding-service, started once per JVM from its packaged jar ({@code embedding-service/target}) on a
 * free loopback port, stopped when the JVM exits. {@code RAG_TEST_EMBEDDING_URL} points at a running one instead.
 * The reactor builds embedding-service before the modules whose integration tests use it.
 */
public final class EmbeddingServiceProcess {

	private static URI shared;

	private EmbeddingServiceProcess() {
	}

	/** Base URL of a ready embedding-service shared by the JVM's tests. */
	public static synchronized URI url() {
		if (shared == null) {
			String external = System.getenv("RAG_TEST_EMBEDDING_URL");
			shared = (external != null && !external.isBlank()) ? URI.create(external) : start().url();
		}
		return shared;
	}

	/** An embedding-service of the caller's own, which it may stop and start (bge-small only). */
	public static ServiceProcess start() {
		return ServiceProcess.start("embedding-service", "1g",
				List.of("--rag.embedding.built-in-models=bge-small-en-v1.5"));
	}

}
