package dev.ragplatform.gateway.route;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.config.GatewayProperties.Upstream;

/** The services behind the gateway; each has one circuit breaker, named after it. */
public enum Service {

	INGEST("ingest-service"), EMBEDDING("embedding-service"), RETRIEVAL("retrieval-service"),
	RERANK("rerank-service"), LLM_ADAPTER("llm-adapter");

	private final String id;

	Service(String id) {
		this.id = id;
	}

	/** The module, image and Kubernetes Service name. */
	public String id() {
		return this.id;
	}

	public Upstream upstream(GatewayProperties properties) {
		GatewayProperties.Services services = properties.services();
		return switch (this) {
			case INGEST -> services.ingest();
			case EMBEDDING -> services.embedding();
			case RETRIEVAL -> services.retrieval();
			case RERANK -> services.rerank();
			case LLM_ADAPTER -> services.llmAdapter();
		};
	}

}
