package dev.ragplatform.gateway.key;

import java.util.EnumSet;
import java.util.UUID;

import dev.ragplatform.gateway.config.GatewayProperties;
import dev.ragplatform.gateway.route.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure the gateway can be managed: {@code rag.gateway.bootstrap-key} (a property or a Secret) is stored as an
 * admin key when it is not yet; without it, a key is generated when no admin key exists and printed once in the log
 * ({@link #LOG_MARKER}, which {@code ./rag up} looks for). Replicas starting together decide one at a time
 * (an advisory lock), so only one key is generated.
 */
@Component
class BootstrapKey implements ApplicationRunner {

	/** Start of the log line that carries a generated key. */
	static final String LOG_MARKER = "Bootstrap admin API key";

	private static final Logger log = LoggerFactory.getLogger(BootstrapKey.class);

	private final ApiKeyRepository repository;

	private final TransactionTemplate transactions;

	private final String configured;

	BootstrapKey(ApiKeyRepository repository, TransactionTemplate transactions, GatewayProperties properties) {
		this.repository = repository;
		this.transactions = transactions;
		this.configured = (properties.bootstrapKey() != null) ? properties.bootstrapKey().strip() : "";
		if (!this.configured.isEmpty() && !KeySecrets.isWellFormed(this.configured)) {
			throw new IllegalArgumentException("rag.gateway.bootstrap-key must look like rag_<at least 32 letters, digits, "
					+ "'-' or '_'>; generate one with: echo rag_$(openssl rand -hex 24)");
		}
	}

	@Override
	public void run(ApplicationArguments args) {
		String generated = this.transactions.execute((tx) -> {
			this.repository.lockBootstrap();
			if (!this.configured.isEmpty()) {
				if (this.repository.findByHash(KeySecrets.hash(this.configured)).isEmpty()) {
					store(this.configured, "bootstrap (rag.gateway.bootstrap-key)");
					log.info("stored the configured bootstrap admin key {}…", KeySecrets.displayPrefix(this.configured));
				}
				return null;
			}
			if (this.repository.countAdmins(null) > 0) {
				return null;
			}
			String key = KeySecrets.generate();
			store(key, "bootstrap (generated)");
			return key;
		});
		if (generated != null) {
			log.warn("{} (shown once; keep it, then create your own keys with POST /api/v1/admin/keys): {}", LOG_MARKER,
					generated);
		}
	}

	private void store(String key, String name) {
		this.repository.insert(UUID.randomUUID(), name, KeySecrets.displayPrefix(key), KeySecrets.hash(key),
				EnumSet.allOf(Scope.class), null, null);
	}

}
