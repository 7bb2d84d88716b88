package dev.ragplatform.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml cannot be run here (no Docker engine), so its promises are checked on the parsed file. */
class ComposeFileTests {

	private static final List<String> SERVICES = List.of("gateway", "ingest-service", "embedding-service",
			"retrieval-service", "rerank-service", "llm-adapter");

	@SuppressWarnings("unchecked")
	private final Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) load().get("services");

	@Test
	void infrastructureImagesArePinnedAndKafkaRunsKraft() {
		assertThat(image("postgres")).matches("pgvector/pgvector:\\d+\\.\\d+\\.\\d+-pg\\d+");
		assertThat(image("kafka")).matches("apache/kafka:\\d+\\.\\d+\\.\\d+");
		assertThat(env("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
	}

	@Test
	void everyServiceIsBuiltFromTheOneDockerfileWithHealthcheckAndMemoryLimit() {
		assertThat(this.services).containsKeys(SERVICES.toArray(String[]::new));
		for (String name : SERVICES) {
			Map<String, Object> service = this.services.get(name);
			assertThat(path(service, "build", "args", "MODULE")).as(name).isEqualTo(name);
			assertThat(path(service, "healthcheck", "test")).as(name).asString().contains("/actuator/health/readiness");
			assertThat(path(service, "deploy", "resources", "limits", "memory")).as(name).isNotNull();
			assertThat((Map<String, Map<String, String>>) path(service, "depends_on")).as(name)
				.allSatisfy((dependency, condition) -> assertThat(condition).containsEntry("condition", "service_healthy"))
				.containsKeys("postgres", "kafka");
		}
	}

	@Test
	void theDockerfileRunsALayeredJarAsNonRoot() throws IOException {
		String dockerfile = Files.readString(RepositoryRoot.find().resolve("Dockerfile"));
		assertThat(dockerfile).contains("ARG MODULE").contains("extract --layers").containsPattern("USER 1\\d{4}")
			.doesNotContain(":latest");
	}

	private String image(String service) {
		return (String) this.services.get(service).get("image");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> env(String service) {
		return (Map<String, Object>) this.services.get(service).get("environment");
	}

	@SuppressWarnings("unchecked")
	private static Object path(Map<String, Object> map, String... keys) {
		Object current = map;
		for (String key : keys) {
			current = (current instanceof Map<?, ?> m) ? ((Map<String, Object>) m).get(key) : null;
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> load() {
		try (Reader reader = Files.newBufferedReader(RepositoryRoot.find().resolve("docker-compose.yml"))) {
			return (Map<String, Object>) new Yaml().load(reader);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
