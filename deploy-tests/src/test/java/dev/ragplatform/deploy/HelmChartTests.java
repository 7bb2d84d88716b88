package dev.ragplatform.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import dev.ragplatform.testsupport.ChartMetrics;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.ragplatform.deploy.Manifests.CHART;
import static dev.ragplatform.deploy.Manifests.PREFIX;
import static dev.ragplatform.deploy.Manifests.ROOT;
import static dev.ragplatform.deploy.Manifests.SERVICES;
import static dev.ragplatform.deploy.Manifests.at;
import static dev.ragplatform.deploy.Manifests.list;
import static dev.ragplatform.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lints helm/rag-platform and renders it with the Helm library (helm-java, Helm's Go code through a native library)
 * for the default values and the example values files, and checks the rendered objects.
 */
class HelmChartTests {

	private static final Set<String> DATABASE_SERVICES = Set.of("ingest-service", "retrieval-service", "gateway");

	private static final Set<String> KAFKA_SERVICES = Set.of("ingest-service", "retrieval-service");

	private static final Set<String> GPU_SERVICES = Set.of("embedding-service", "rerank-service");

	private static final String VERSION = "0.1.0-SNAPSHOT";

	@Test
	void lintsWithoutWarningsInStrictMode() {
		LintResult lint = new Helm(CHART).lint().strict().call();

		assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
		assertThat(lint.getMessages()).noneMatch((m) -> m.contains("[WARNING]") || m.contains("[ERROR]"));
	}

	@Test
	void chartVersionMatchesTheServicesVersion() throws IOException {
		Map<String, Object> chart = Manifests.readYaml(CHART.resolve("Chart.yaml"));
		String pom = Files.readString(ROOT.resolve("pom.xml"));

		assertThat(chart.get("appVersion")).isEqualTo(VERSION);
		assertThat(pom).contains("<artifactId>rag-platform</artifactId>\n  <version>" + VERSION + "</version>");
	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class DefaultValues {

		Manifests manifests;

		@BeforeAll
		void render() {
			this.manifests = Manifests.render();
		}

		@Test
		void rendersEachServiceFromTheOneTemplate() {
			List<String> expected = SERVICES.stream().map((s) -> PREFIX + s).sorted().toList();

			assertThat(this.manifests.names("Deployment")).containsExactlyElementsOf(expected);
			assertThat(this.manifests.names("Service")).containsExactlyElementsOf(expected);
			List<String> configMaps = new ArrayList<>(expected);
			configMaps.add(PREFIX + "dashboards");
			assertThat(this.manifests.names("ConfigMap")).containsExactlyElementsOf(configMaps.stream().sorted().toList());
			assertThat(this.manifests.ofKind("PrometheusRule")).isEmpty();
			assertThat(this.manifests.names("ServiceAccount")).containsExactly("rel-rag-platform");
			assertThat(this.manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
			assertThat(this.manifests.names("PodDisruptionBudget")).containsExactly(PREFIX + "gateway");
			assertThat(this.manifests.ofKind("ServiceMonitor")).isEmpty();
			assertThat(this.manifests.ofKind("Ingress")).isEmpty();
		}

		@ParameterizedTest
		@MethodSource("dev.ragplatform.deploy.HelmChartTests#services")
		void probesOnTheActuatorHealthGroups(String service) {
			Map<String, Object> container = this.manifests.container(service);

			assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
			assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
			assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
			// the gateway's health is on its management port, which the Ingress does not reach
			String healthPort = service.equals("gateway") ? "management" : "http";
			for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
				assertThat(at(container, probe, "httpGet", "port")).isEqualTo(healthPort);
			}
			assertThat(at(container, "ports", 0, "name")).isEqualTo("http");
			assertThat(at(container, "ports", 0, "containerPort")).isEqualTo(serverPort(service));
			if (service.equals("gateway")) {
				assertThat(at(container, "ports", 1, "name")).isEqualTo("management");
				assertThat(at(container, "ports", 1, "containerPort")).isEqualTo(8090);
			}
			Map<String, Object> metrics = map(at(this.manifests.get("Service", PREFIX + service), "spec", "ports", 1));
			assertThat(metrics.get("name")).isEqualTo("metrics");
			assertThat(metrics.get("targetPort")).isEqualTo(healthPort);
		}

		@ParameterizedTest
		@MethodSource("dev.ragplatform.deploy.HelmChartTests#services")
		void runsAsTheImagesNonRootUserOnAReadOnlyRootFilesystem(String service) {
			Map<String, Object> pod = this.manifests.podSpec(service);
			Map<String, Object> container = this.manifests.container(service);

			assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
			assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
			assertThat(at(pod, "securityContext", "runAsGroup")).isEqualTo(10001);
			assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
			assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
			assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
			assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
			assertThat(list(at(container, "securityContext", "capabilities", "drop"))).containsExactly("ALL");
			// the writable /tmp is an emptyDir
			assertThat(list(container.get("volumeMounts"))).contains(Map.of("name", "tmp", "mountPath", "/tmp"));
			assertThat(list(pod.get("volumes")).stream().map(Manifests::map))
				.anySatisfy((v) -> assertThat(v.get("name")).isEqualTo("tmp"))
				.allSatisfy((v) -> assertThat(v).containsKey("emptyDir"));
		}

		@ParameterizedTest
		@MethodSource("dev.ragplatform.deploy.HelmChartTests#services")
		void pinnedCpuImageWithMemoryLimitsAndNoGpu(String service) {
			Map<String, Object> container = this.manifests.container(service);
			Map<String, Object> pod = this.manifests.podSpec(service);

			assertThat(container.get("image")).isEqualTo("rag-platform/" + service + ":" + VERSION);
			assertThat(at(container, "resources", "limits", "memory")).isNotNull();
			assertThat(at(container, "resources", "requests", "memory")).isNotNull();
			assertThat(map(at(container, "resources", "limits"))).doesNotContainKey("nvidia.com/gpu");
			assertThat(pod).doesNotContainKeys("nodeSelector", "tolerations");
			assertThat(this.manifests.config(service)).doesNotContainKeys("RAG_EMBEDDING_DEVICE", "RAG_RERANK_DEVICE");
		}

		@ParameterizedTest
		@MethodSource("dev.ragplatform.deploy.HelmChartTests#services")
		void serviceSelectsItsPodsAndEnvComesFromItsConfigMap(String service) {
			Map<String, Object> deployment = this.manifests.deployment(service);
			Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
			Map<String, Object> k8sService = this.manifests.get("Service", PREFIX + service);

			assertThat(Manifests.selects(Map.of("matchLabels", at(k8sService, "spec", "selector")), podLabels)).isTrue();
			assertThat(Manifests.selects(map(at(deployment, "spec", "selector")), podLabels)).isTrue();
			assertThat(at(k8sService, "spec", "ports", 0, "port")).isEqualTo(serverPort(service));
			assertThat(at(k8sService, "spec", "type")).isEqualTo("ClusterIP");
			assertThat(at(this.manifests.container(service), "envFrom", 0, "configMapRef", "name"))
				.isEqualTo(PREFIX + service);
			assertThat(this.manifests.config(service)).containsEntry("SERVER_PORT", String.valueOf(serverPort(service)));
		}

		@Test
		void servicesCallEachOtherByServiceName() {
			assertThat(this.manifests.config("ingest-service"))
				.containsEntry("RAG_INGEST_EMBEDDING_URL", "http://rel-rag-platform-embedding-service:8082")
				.containsEntry("RAG_INGEST_RETRIEVAL_URL", "http://rel-rag-platform-retrieval-service:8083");
			assertThat(this.manifests.config("retrieval-service"))
				.containsEntry("RAG_RETRIEVAL_EMBEDDING_URL", "http://rel-rag-platform-embedding-service:8082")
				.containsEntry("RAG_RETRIEVAL_RERANK_URL", "http://rel-rag-platform-rerank-service:8084");
			assertThat(this.manifests.config("llm-adapter"))
				.containsEntry("RAG_LLM_RETRIEVAL_URL", "http://rel-rag-platform-retrieval-service:8083")
				.containsEntry("RAG_LLM_APIS_INGESTURL", "http://rel-rag-platform-ingest-service:8081");
			assertThat(this.manifests.config("gateway"))
				.containsEntry("RAG_GATEWAY_SERVICES_INGEST_URL", "http://rel-rag-platform-ingest-service:8081")
				.containsEntry("RAG_GATEWAY_SERVICES_EMBEDDING_URL", "http://rel-rag-platform-embedding-service:8082")
				.containsEntry("RAG_GATEWAY_SERVICES_RETRIEVAL_URL", "http://rel-rag-platform-retrieval-service:8083")
				.containsEntry("RAG_GATEWAY_SERVICES_RERANK_URL", "http://rel-rag-platform-rerank-service:8084")
				.containsEntry("RAG_GATEWAY_SERVICES_LLMADAPTER_URL", "http://rel-rag-platform-llm-adapter:8085");
			// the bootstrap admin key comes from a Secret only when one is named
			assertThat(this.manifests.env("gateway", "RAG_GATEWAY_BOOTSTRAP_KEY")).isNull();
			assertThat(Manifests.render((c) -> c.set("services.gateway.bootstrapKey.existingSecret", "rag-gateway"))
				.secretKeyRef("gateway", "RAG_GATEWAY_BOOTSTRAP_KEY")).isEqualTo(Map.of("name", "rag-gateway", "key", "bootstrap-key"));
			// every URL names a rendered Service on its port
			for (String service : SERVICES) {
				this.manifests.config(service).forEach((name, value) -> {
					if (name.endsWith("_URL") && value.startsWith("http://")) {
						String host = value.substring(7, value.lastIndexOf(':'));
						int port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
						assertThat(at(this.manifests.get("Service", host), "spec", "ports", 0, "port")).isEqualTo(port);
					}
				});
			}
		}

		@Test
		void databaseAndKafkaOnlyWhereTheServiceUsesThem() {
			for (String service : SERVICES) {
				Map<String, String> config = this.manifests.config(service);
				if (DATABASE_SERVICES.contains(service)) {
					assertThat(config).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgresql:5432/rag")
						.containsEntry("SPRING_DATASOURCE_USERNAME", "rag")
						.containsEntry("SPRING_FLYWAY_LOCK_RETRY_COUNT", "300");
					assertThat(this.manifests.secretKeyRef(service, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(Map.of("name", "rel-rag-platform-postgresql", "key", "password"));
				}
				else {
					assertThat(config).doesNotContainKeys("SPRING_DATASOURCE_URL");
					assertThat(this.manifests.env(service, "SPRING_DATASOURCE_PASSWORD")).isNull();
				}
				if (KAFKA_SERVICES.contains(service)) {
					assertThat(config).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
						.containsEntry("SPRING_KAFKA_ADMIN_AUTO_CREATE", "true");
				}
				else {
					assertThat(config).doesNotContainKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS");
				}
			}
			assertThat(this.manifests.config("ingest-service")).containsEntry("RAG_INGEST_PIPELINE_PARTITIONS", "3")
				.containsEntry("RAG_INGEST_PIPELINE_CONCURRENCY", "3")
				.containsEntry("RAG_INGEST_PIPELINE_REPLICATION_FACTOR", "3")
				.containsEntry("RAG_INGEST_PIPELINE_MIN_INSYNC_REPLICAS", "2");
			assertThat(this.manifests.config("retrieval-service")).containsEntry("RAG_RETRIEVAL_INDEX_PARTITIONS", "3")
				.containsEntry("RAG_RETRIEVAL_INDEX_REPLICATION_FACTOR", "3")
				.containsEntry("RAG_RETRIEVAL_INDEX_MIN_INSYNC_REPLICAS", "2");
			for (String service : SERVICES) {
				assertThat(this.manifests.config(service)).as("no CA configured").doesNotContainKey("SPRING_KAFKA_SSL_BUNDLE");
			}
			// the password Secret exists (empty until a value or existingSecret is given)
			assertThat(at(this.manifests.get("Secret", "rel-rag-platform-postgresql"), "data"))
				.isEqualTo(Map.of("password", ""));
		}

		@Test
		void networkPolicyLetsOnlyTheGatewayBeReachedFromOutside() {
			Map<String, Object> internal = this.manifests.get("NetworkPolicy", "rel-rag-platform-internal");
			Map<String, Object> gateway = this.manifests.get("NetworkPolicy", "rel-rag-platform-gateway");
			Map<String, Object> internalSelector = map(at(internal, "spec", "podSelector"));
			Map<String, Object> gatewaySelector = map(at(gateway, "spec", "podSelector"));

			for (String service : SERVICES) {
				Map<String, Object> labels = map(at(this.manifests.deployment(service), "spec", "template", "metadata", "labels"));
				assertThat(Manifests.selects(internalSelector, labels)).as(service).isEqualTo(!service.equals("gateway"));
				assertThat(Manifests.selects(gatewaySelector, labels)).as(service).isEqualTo(service.equals("gateway"));
			}
			assertThat(list(at(internal, "spec", "policyTypes"))).containsExactly("Ingress");
			// internal services: one rule, from the release's own pods only
			List<Object> internalRules = list(at(internal, "spec", "ingress"));
			assertThat(internalRules).hasSize(1);
			List<Object> from = list(at(internalRules.get(0), "from"));
			assertThat(from).hasSize(1);
			Map<String, Object> releasePods = map(at(from.get(0), "podSelector"));
			assertThat(map(releasePods.get("matchLabels"))).containsEntry("app.kubernetes.io/instance", "rel")
				.containsEntry("app.kubernetes.io/name", "rag-platform");
			assertThat(at(from.get(0), "namespaceSelector")).isNull();
			// the gateway: its port, from anywhere; its management port (health, metrics) from the release only
			List<Object> gatewayRules = list(at(gateway, "spec", "ingress"));
			assertThat(gatewayRules).hasSize(2);
			assertThat(map(gatewayRules.get(0))).doesNotContainKey("from");
			assertThat(at(gatewayRules.get(0), "ports", 0, "port")).isEqualTo("http");
			assertThat(at(gatewayRules.get(1), "ports", 0, "port")).isEqualTo("management");
			assertThat(list(at(gatewayRules.get(1), "from"))).hasSize(1);
			assertThat(map(at(gatewayRules.get(1), "from", 0, "podSelector", "matchLabels")))
				.containsEntry("app.kubernetes.io/instance", "rel");
		}

		@Test
		void gatewayKeepsAPodThroughDrains() {
			Map<String, Object> pdb = this.manifests.get("PodDisruptionBudget", PREFIX + "gateway");

			assertThat(at(pdb, "spec", "minAvailable")).isEqualTo(1);
			assertThat(at(this.manifests.deployment("gateway"), "spec", "replicas")).isEqualTo(2);
			assertThat(Manifests.selects(map(at(pdb, "spec", "selector")),
					map(at(this.manifests.deployment("gateway"), "spec", "template", "metadata", "labels"))))
				.isTrue();
		}

		@Test
		void noSecretInAnyConfigMap() {
			for (Map<String, Object> configMap : this.manifests.ofKind("ConfigMap")) {
				assertThat(map(configMap.get("data")).keySet())
					.noneMatch((k) -> k.contains("PASSWORD") || k.contains("JAAS") || k.contains("APIKEY") || k.contains("API_KEY"));
			}
		}

		@Test
		void everyRagVariableIsAPropertyOfItsService() throws IOException {
			for (String service : SERVICES) {
				Set<String> properties = envNamesOfProperties(service);
				for (String name : this.manifests.config(service).keySet()) {
					if (name.startsWith("RAG_")) {
						assertThat(properties).as("%s in %s's application.yaml", name, service).contains(name);
					}
				}
			}
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class GpuValues {

		Manifests manifests;

		@BeforeAll
		void render() {
			this.manifests = Manifests.render("examples/values-gpu.yaml");
		}

		@ParameterizedTest
		@MethodSource("dev.ragplatform.deploy.HelmChartTests#gpuServices")
		void gpuImageAndOneGpuRequestedAndLimited(String service) {
			Map<String, Object> container = this.manifests.container(service);

			assertThat(container.get("image")).isEqualTo("rag-platform/" + service + ":" + VERSION + "-gpu");
			assertThat(at(container, "resources", "limits", "nvidia.com/gpu")).isEqualTo(1);
			assertThat(at(container, "resources", "requests", "nvidia.com/gpu")).isEqualTo(1);
			assertThat(at(container, "resources", "limits", "memory")).isEqualTo("3Gi");
			assertThat(at(this.manifests.podSpec(service), "volumes", 0, "emptyDir", "sizeLimit")).isEqualTo("4Gi");
		}

		@Test
		void deviceIsCudaThroughEachServicesOwnProperty() throws IOException {
			assertThat(this.manifests.config("embedding-service")).containsEntry("RAG_EMBEDDING_DEVICE", "cuda")
				.containsEntry("RAG_EMBEDDING_BATCHING_MAX_BATCH_TOKENS", "16384");
			assertThat(this.manifests.config("rerank-service")).containsEntry("RAG_RERANK_DEVICE", "cuda")
				.containsEntry("RAG_RERANK_BATCHING_MAX_BATCH_TOKENS", "8192");
			// the names bind to rag.embedding.device / rag.rerank.device, whose values are cpu | cuda
			assertThat(at(Manifests.readYaml(applicationYaml("embedding-service")), "rag", "embedding", "device")).isEqualTo("cpu");
			assertThat(at(Manifests.readYaml(applicationYaml("rerank-service")), "rag", "rerank", "device")).isEqualTo("cpu");
			for (String service : GPU_SERVICES) {
				Set<String> properties = envNamesOfProperties(service);
				this.manifests.config(service).keySet().stream().filter((n) -> n.startsWith("RAG_"))
					.forEach((name) -> assertThat(properties).as(name).contains(name));
			}
		}

		@Test
		void scheduledOnGpuNodesWithTheirTolerations() {
			Map<String, Object> embedding = this.manifests.podSpec("embedding-service");
			Map<String, Object> rerank = this.manifests.podSpec("rerank-service");

			assertThat(map(embedding.get("nodeSelector"))).containsExactly(Map.entry("nvidia.com/gpu.present", "true"));
			assertThat(list(embedding.get("tolerations")))
				.containsExactly(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
			// values-gpu.yaml replaces the default label and toleration for rerank-service
			assertThat(map(rerank.get("nodeSelector")))
				.containsExactly(Map.entry("cloud.google.com/gke-accelerator", "nvidia-l4"));
			assertThat(list(rerank.get("tolerations")))
				.containsExactly(Map.of("key", "dedicated", "operator", "Equal", "value", "gpu", "effect", "NoSchedule"));
			assertThat(at(this.manifests.deployment("embedding-service"), "spec", "replicas")).isEqualTo(2);
			assertThat(this.manifests.names("PodDisruptionBudget")).contains(PREFIX + "embedding-service");
		}

		@Test
		void otherServicesStayOnCpuNodes() {
			for (String service : SERVICES) {
				if (!GPU_SERVICES.contains(service)) {
					assertThat(this.manifests.container(service).get("image")).isEqualTo("rag-platform/" + service + ":" + VERSION);
					assertThat(map(at(this.manifests.container(service), "resources", "limits"))).doesNotContainKey("nvidia.com/gpu");
					assertThat(this.manifests.podSpec(service)).doesNotContainKeys("nodeSelector", "tolerations");
				}
			}
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class ExternalDatabaseValues {

		Manifests manifests;

		@BeforeAll
		void render() {
			this.manifests = Manifests.render("examples/values-external-db.yaml");
		}

		@Test
		void credentialsComeFromTheExistingSecretsOnly() {
			assertThat(this.manifests.ofKind("Secret")).as("the chart creates no Secret of its own").isEmpty();
			for (String service : DATABASE_SERVICES) {
				assertThat(this.manifests.secretKeyRef(service, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(Map.of("name", "rag-postgresql", "key", "password"));
			}
			for (String service : KAFKA_SERVICES) {
				assertThat(this.manifests.secretKeyRef(service, "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
					.isEqualTo(Map.of("name", "rag-kafka", "key", "sasl-jaas-config"));
			}
			assertThat(this.manifests.secretKeyRef("llm-adapter", "RAG_LLM_APIKEY"))
				.isEqualTo(Map.of("name", "rag-llm", "key", "api-key"));
			// no env entry carries a literal value for a credential
			for (String service : SERVICES) {
				Object env = this.manifests.container(service).get("env");
				if (env != null) {
					assertThat(list(env).stream().map(Manifests::map)).allSatisfy((e) -> {
						assertThat(e).doesNotContainKey("value");
						assertThat(at(e, "valueFrom", "secretKeyRef")).isNotNull();
					});
				}
			}
		}

		@Test
		void connectionSettingsReachTheServices() {
			for (String service : KAFKA_SERVICES) {
				assertThat(this.manifests.config(service))
					.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://rag-db.postgres.example.com:5432/rag?sslmode=require")
					.containsEntry("SPRING_DATASOURCE_USERNAME", "rag_app")
					.containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS",
							"kafka-0.kafka.example.com:9094,kafka-1.kafka.example.com:9094,kafka-2.kafka.example.com:9094")
					.containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
					.containsEntry("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512")
					.containsEntry("SPRING_KAFKA_ADMIN_AUTO_CREATE", "false")
					// the brokers' CA, from a Secret mounted read-only, as Spring's SSL bundle "kafka"
					.containsEntry("SPRING_KAFKA_SSL_BUNDLE", "kafka")
					.containsEntry("SPRING_SSL_BUNDLE_PEM_KAFKA_TRUSTSTORE_CERTIFICATE", "file:/etc/rag/kafka-ca/ca.crt");
				Map<String, Object> container = this.manifests.container(service);
				assertThat(list(container.get("volumeMounts"))).contains(Map.of("name", "kafka-ca", "mountPath",
						"/etc/rag/kafka-ca", "readOnly", true));
				assertThat(list(at(this.manifests.deployment(service), "spec", "template", "spec", "volumes")))
					.contains(Map.of("name", "kafka-ca", "secret", Map.of("secretName", "rag-kafka-ca")));
			}
			assertThat(this.manifests.config("ingest-service")).containsEntry("RAG_INGEST_PIPELINE_PARTITIONS", "12")
				.containsEntry("RAG_INGEST_PIPELINE_CONCURRENCY", "4");
			assertThat(this.manifests.config("retrieval-service")).containsEntry("RAG_RETRIEVAL_INDEX_PARTITIONS", "12")
				.containsEntry("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "10");
			assertThat(this.manifests.config("llm-adapter")).containsEntry("RAG_LLM_PROVIDER", "openai")
				.containsEntry("RAG_LLM_MODEL", "gpt-4o-mini");
		}

		@Test
		void autoscalersReplaceReplicaCountAndBudgetsKeepPods() {
			assertThat(this.manifests.names("HorizontalPodAutoscaler")).containsExactly(PREFIX + "gateway", PREFIX + "retrieval-service");
			Map<String, Object> hpa = this.manifests.get("HorizontalPodAutoscaler", PREFIX + "retrieval-service");
			assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
			assertThat(at(hpa, "spec", "scaleTargetRef")).isEqualTo(
					Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", PREFIX + "retrieval-service"));
			assertThat(at(hpa, "spec", "minReplicas")).isEqualTo(3);
			assertThat(at(hpa, "spec", "maxReplicas")).isEqualTo(6);
			assertThat(at(hpa, "spec", "metrics", 0, "resource", "name")).isEqualTo("cpu");
			assertThat(map(at(this.manifests.deployment("retrieval-service"), "spec"))).doesNotContainKey("replicas");
			assertThat(at(this.manifests.deployment("ingest-service"), "spec", "replicas")).isEqualTo(3);
			assertThat(this.manifests.names("PodDisruptionBudget")).containsExactly(PREFIX + "gateway",
					PREFIX + "ingest-service", PREFIX + "retrieval-service");
			assertThat(this.manifests.get("PodDisruptionBudget", PREFIX + "ingest-service").get("apiVersion")).isEqualTo("policy/v1");
		}

		@Test
		void ingressServiceMonitorAndNarrowedNetworkPolicy() {
			Map<String, Object> ingress = this.manifests.get("Ingress", "rel-rag-platform");
			assertThat(at(ingress, "spec", "rules", 0, "host")).isEqualTo("rag.example.com");
			assertThat(at(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name")).isEqualTo(PREFIX + "gateway");
			assertThat(at(ingress, "spec", "tls", 0, "secretName")).isEqualTo("rag-example-tls");

			Map<String, Object> monitor = this.manifests.get("ServiceMonitor", "rel-rag-platform");
			assertThat(at(monitor, "metadata", "labels", "release")).isEqualTo("prometheus");
			assertThat(at(monitor, "spec", "endpoints", 0, "path")).isEqualTo("/actuator/prometheus");
			assertThat(at(monitor, "spec", "endpoints", 0, "port")).isEqualTo("metrics");
			for (String service : SERVICES) {
				assertThat(Manifests.selects(map(at(monitor, "spec", "selector")),
						map(at(this.manifests.get("Service", PREFIX + service), "metadata", "labels"))))
					.as(service).isTrue();
			}

			List<Object> gatewayFrom = list(at(this.manifests.get("NetworkPolicy", "rel-rag-platform-gateway"), "spec", "ingress", 0, "from"));
			assertThat(gatewayFrom).contains(Map.of("namespaceSelector",
					Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx"))));
			List<Object> internalFrom = list(at(this.manifests.get("NetworkPolicy", "rel-rag-platform-internal"), "spec", "ingress", 0, "from"));
			assertThat(internalFrom).hasSize(2).contains(Map.of("namespaceSelector",
					Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring"))));
		}

	}

	@Test
	void passwordsGivenAsValuesLandInSecretsNeverInPlainText() {
		String password = "pg-Pa55-0f-the-test";
		String apiKey = "sk-test-key-0123456789";
		Manifests manifests = Manifests.render((c) -> c.set("postgresql.password", password).set("llm.apiKey", apiKey));

		assertThat(manifests.text).doesNotContain(password).doesNotContain(apiKey);
		assertThat(decode(manifests.get("Secret", "rel-rag-platform-postgresql"), "password")).isEqualTo(password);
		assertThat(decode(manifests.get("Secret", "rel-rag-platform-llm"), "api-key")).isEqualTo(apiKey);
		assertThat(manifests.secretKeyRef("llm-adapter", "RAG_LLM_APIKEY"))
			.isEqualTo(Map.of("name", "rel-rag-platform-llm", "key", "api-key"));
		assertThat(manifests.secretKeyRef("ingest-service", "SPRING_DATASOURCE_PASSWORD"))
			.isEqualTo(Map.of("name", "rel-rag-platform-postgresql", "key", "password"));
	}

	@Test
	void logsAreJsonAndTracesGoWhereTheValuesSay() {
		Manifests plain = Manifests.render();
		for (String service : SERVICES) {
			assertThat(plain.config(service)).as(service).containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
				.containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "0.1")
				.doesNotContainKeys("RAG_OTLP_ENDPOINT", "RAG_GATEWAY_TRACEURL");
		}
		Manifests traced = Manifests.render((c) -> c.set("observability.tracing.otlpEndpoint", "http://otel:4318")
			.set("observability.tracing.sampling", "1")
			.set("observability.tracing.traceUrl", "https://grafana.example.com/trace/{traceId}")
			.set("observability.logFormat", ""));
		for (String service : SERVICES) {
			assertThat(traced.config(service)).as(service).containsEntry("RAG_OTLP_ENDPOINT", "http://otel:4318")
				.containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1")
				.doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
		}
		assertThat(traced.config("gateway")).containsEntry("RAG_GATEWAY_TRACEURL", "https://grafana.example.com/trace/{traceId}");
		assertThat(traced.config("ingest-service")).doesNotContainKey("RAG_GATEWAY_TRACEURL");
	}

	@Test
	void dashboardsAndAlertsQueryOnlyMetricsTheServicesPublish() throws IOException {
		Manifests manifests = Manifests.render((c) -> c.set("observability.alerts.enabled", true)
			.set("observability.alerts.labels.release", "prometheus"));
		Map<String, Object> dashboards = manifests.get("ConfigMap", "rel-rag-platform-dashboards");
		assertThat(at(dashboards, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
		Map<String, Object> data = map(dashboards.get("data"));
		assertThat(data).containsOnlyKeys("rag-platform.json");
		Set<String> queried = new TreeSet<>();
		Map<String, Object> dashboard = map(new org.yaml.snakeyaml.Yaml().load((String) data.get("rag-platform.json")));
		List<String> titles = new ArrayList<>();
		for (Object panel : list(dashboard.get("panels"))) {
			titles.add((String) map(panel).get("title"));
			for (Object target : list(map(panel).getOrDefault("targets", List.of()))) {
				queried.addAll(ChartMetrics.metricNames((String) map(target).get("expr")));
			}
		}
		assertThat(titles).contains("Documents per second, by outcome", "Consumer lag (records)", "Dead letters",
				"Search latency by mode (p50, p99)", "Embedding queue (share full)", "Embedding batch size (mean sequences)",
				"Rerank inference (p99) and batch size", "LLM calls per second, by purpose and outcome",
				"Gateway answers by outcome", "Rate limited (429) per second", "Circuit breakers open");

		Map<String, Object> rule = manifests.get("PrometheusRule", "rel-rag-platform");
		assertThat(at(rule, "metadata", "labels", "release")).isEqualTo("prometheus");
		List<String> alerts = new ArrayList<>();
		for (Object r : list(at(rule, "spec", "groups", 0, "rules"))) {
			alerts.add((String) map(r).get("alert"));
			String expr = (String) map(r).get("expr");
			assertThat(expr).as("rendered without template text").doesNotContain("{{");
			queried.addAll(ChartMetrics.metricNames(expr));
		}
		assertThat(alerts).containsExactly("RagConsumerLagGrowing", "RagDeadLetters", "RagSearchLatencyHigh",
				"RagCircuitBreakerOpen", "RagEmbeddingQueueFull");

		// collected from a running platform by TracingIT (which also checks the chart against its own scrape)
		Set<String> published = new TreeSet<>(Files.readAllLines(ROOT.resolve(
				"deploy-tests/src/test/resources/published-metrics.txt")).stream().filter((l) -> !l.startsWith("#")).toList());
		assertThat(published).as("published metrics").containsAll(queried);
		// what TracingIT reads from the chart's files is what the rendered chart queries
		assertThat(ChartMetrics.of(CHART)).isEqualTo(queried);
	}

	@Test
	void dashboardsAndAlertsParseAsPromQl(@TempDir Path dir) throws IOException, InterruptedException {
		Manifests manifests = Manifests.render((c) -> c.set("observability.alerts.enabled", true));
		Map<String, Object> rule = manifests.get("PrometheusRule", "rel-rag-platform");
		List<Object> groups = new ArrayList<>(list(at(rule, "spec", "groups")));
		// each dashboard query as a recording rule, so that Prometheus's own parser reads it too
		Map<String, Object> data = map(manifests.get("ConfigMap", "rel-rag-platform-dashboards").get("data"));
		Map<String, Object> dashboard = map(new org.yaml.snakeyaml.Yaml().load((String) data.get("rag-platform.json")));
		List<Object> records = new ArrayList<>();
		for (Object panel : list(dashboard.get("panels"))) {
			for (Object target : list(map(panel).getOrDefault("targets", List.of()))) {
				records.add(Map.of("record", "rag_dashboard:panel_" + records.size(), "expr", map(target).get("expr")));
			}
		}
		assertThat(records).hasSizeGreaterThan(20);
		groups.add(Map.of("name", "rag-platform-dashboard", "rules", records));
		Path rules = dir.resolve("rules.yml");
		Files.writeString(rules, new org.yaml.snakeyaml.Yaml().dump(Map.of("groups", groups)));

		Process promtool;
		try {
			promtool = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new AssertionError("promtool (Prometheus) is not installed: run 'sudo ./scripts/install-prerequisites.sh' "
					+ "(Debian/Ubuntu: apt-get install prometheus)", ex);
		}
		String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(promtool.waitFor()).as(out).isZero();
		assertThat(out).contains("SUCCESS: " + (records.size() + 5) + " rules found");
	}

	@Test
	void moreInSyncReplicasThanCopiesIsRefused() {
		assertThatThrownBy(() -> Manifests.render((c) -> c.set("kafka.replicationFactor", "1")))
			.hasMessageContaining("kafka.minInsyncReplicas may not exceed kafka.replicationFactor");
	}

	@Test
	void aDisabledServiceRendersNothing() {
		Manifests manifests = Manifests.render((c) -> c.set("services.llm-adapter.enabled", false)
			.set("networkPolicy.enabled", false));

		assertThat(manifests.names("Deployment")).hasSize(5).doesNotContain(PREFIX + "llm-adapter");
		assertThat(manifests.has("Service", PREFIX + "llm-adapter")).isFalse();
		assertThat(manifests.has("ConfigMap", PREFIX + "llm-adapter")).isFalse();
		assertThat(manifests.ofKind("NetworkPolicy")).isEmpty();
	}

	@Test
	void aServiceUrlToAnUnknownServiceFailsTheRendering() {
		assertThatThrownBy(() -> Manifests.render((c) -> c.set("services.ingest-service.serviceUrls.RAG_INGEST_RETRIEVAL_URL", "retrieval")))
			.hasMessageContaining("no service \"retrieval\"");
	}

	/**
	 * helm-java renders a release's manifest without its hooks, so the test hook is rendered from a copy of the
	 * chart in which it is an ordinary object.
	 */
	@Test
	void helmTestHookAsksTheGatewaysReadiness(@TempDir Path copy) throws IOException {
		Path hook = Path.of("templates/tests/test-gateway-health.yaml");
		String template = Files.readString(CHART.resolve(hook));
		assertThat(template).contains("helm.sh/hook: test");
		copyChart(copy);
		Files.writeString(copy.resolve(hook), template.replace("helm.sh/hook: test", "rag-platform/was-hook: test"));

		Map<String, Object> pod = Manifests.render(copy, (c) -> { }).get("Pod", "rel-rag-platform-test-gateway-health");

		assertThat(at(pod, "spec", "restartPolicy")).isEqualTo("Never");
		assertThat(at(pod, "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
		Map<String, Object> container = map(at(pod, "spec", "containers", 0));
		assertThat((String) container.get("image")).matches("busybox:\\d+\\.\\d+\\.\\d+");
		assertThat(String.join(" ", list(container.get("args")).stream().map(String::valueOf).toList()))
			.contains("http://rel-rag-platform-gateway:8090/actuator/health/readiness")
			.contains("grep -q '\"status\":\"UP\"'");
	}

	@Test
	void notesSayHowToReachTheGatewayAndWarnAboutAMissingPassword() {
		String defaults = new Helm(CHART).install().withName("rel").withNamespace("rag").dryRun().clientOnly().call().getOutput();
		String external = new Helm(CHART).install().withName("rel").withNamespace("rag").dryRun().clientOnly()
			.withValuesFile(CHART.resolve("examples/values-external-db.yaml")).call().getOutput();

		assertThat(defaults).contains("kubectl -n rag port-forward svc/rel-rag-platform-gateway 8080:8080")
			.contains("helm test rel -n rag")
			.contains("WARNING: neither postgresql.existingSecret nor postgresql.password is set");
		assertThat(defaults).contains("8090:8090").contains("curl -s localhost:8090/actuator/health");
		assertThat(external).as("health is not served through the Ingress").doesNotContain("rag.example.com/actuator")
			.contains("https://rag.example.com/api/docs")
			.contains("secret rag-postgresql (key password)")
			.contains("must exist beforehand")
			.doesNotContain("WARNING");
	}

	/** The root README's "Deploy on Kubernetes" commands, run as written with the placeholders filled in. */
	@Test
	void readmeInstallRendersWhatTheReadmePromises() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		String section = readme.substring(readme.indexOf("## Deploy on Kubernetes"), readme.indexOf("## Ports"));
		String registry = find(section, "REGISTRY=(\\S+)");
		String secret = find(section, "create secret generic (\\S+) --from-literal=password=");
		String install = find(section.replace("\\\n", " "), "(helm install [^\\n]+)")
			.replace("$REGISTRY", registry)
			.replaceAll("<[^>]*>", "placeholder");
		List<String> words = List.of(install.trim().split("\\s+"));
		assertThat(words.subList(0, 4)).containsExactly("helm", "install", "rag-platform", "helm/rag-platform");
		assertThat(words.get(4)).isEqualTo("-n");
		Map<String, String> sets = new LinkedHashMap<>();
		for (int i = 6; i < words.size(); i += 2) {
			assertThat(words.get(i)).isEqualTo("--set");
			String[] pair = words.get(i + 1).split("=", 2);
			sets.put(pair[0], pair[1]);
		}

		Manifests manifests = Manifests.render(CHART, words.get(2), words.get(5), (c) -> sets.forEach(c::set));

		String gateway = find(section, "port-forward svc/(\\S+) 8080:8080");
		assertThat(at(manifests.get("Service", gateway), "spec", "ports", 0, "port")).isEqualTo(8080);
		assertThat(section).contains("helm test " + words.get(2) + " -n " + words.get(5));
		assertThat(manifests.ofKind("Secret")).isEmpty();
		for (String service : SERVICES) {
			Map<String, Object> deployment = manifests.get("Deployment", "rag-platform-" + service);
			assertThat((String) at(deployment, "spec", "template", "spec", "containers", 0, "image"))
				.isEqualTo(registry + "/rag-platform/" + service + ":" + VERSION);
		}
		for (String service : DATABASE_SERVICES) {
			Map<String, Object> container = map(at(manifests.get("Deployment", "rag-platform-" + service), "spec", "template",
					"spec", "containers", 0));
			assertThat(list(container.get("env"))).contains(Map.of("name", "SPRING_DATASOURCE_PASSWORD", "valueFrom",
					Map.of("secretKeyRef", Map.of("name", secret, "key", "password"))));
		}
	}

	private static String find(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		assertThat(matcher.find()).as("README matches %s", regex).isTrue();
		return matcher.group(1);
	}

	static Stream<String> services() {
		return SERVICES.stream();
	}

	static Stream<Arguments> gpuServices() {
		return GPU_SERVICES.stream().sorted().map(Arguments::of);
	}

	private static String decode(Map<String, Object> secret, String key) {
		return new String(Base64.getDecoder().decode((String) at(secret, "data", key)), StandardCharsets.UTF_8);
	}

	private static Path applicationYaml(String service) {
		return ROOT.resolve(service).resolve("src/main/resources/application.yaml");
	}

	private static int serverPort(String service) {
		return (Integer) at(Manifests.readYaml(applicationYaml(service)), "server", "port");
	}

	/**
	 * Environment variable names that bind to the properties of a service's application.yaml: Spring Boot's
	 * canonical form (dots to underscores, dashes removed) and its legacy form (dashes to underscores).
	 */
	static Set<String> envNamesOfProperties(String service) {
		Set<String> names = new TreeSet<>();
		flatten("", Manifests.readYaml(applicationYaml(service)), names);
		Set<String> env = new TreeSet<>();
		for (String property : names) {
			String underscored = property.replace('.', '_').toUpperCase(Locale.ROOT);
			env.add(underscored.replace("-", ""));
			env.add(underscored.replace('-', '_'));
		}
		return env;
	}

	private static void flatten(String prefix, Map<String, Object> node, Set<String> names) {
		node.forEach((key, value) -> {
			String name = prefix.isEmpty() ? key : prefix + "." + key;
			names.add(name);
			if (value instanceof Map<?, ?>) {
				flatten(name, map(value), names);
			}
		});
	}

	private static void copyChart(Path target) throws IOException {
		try (Stream<Path> files = Files.walk(CHART)) {
			for (Path source : files.toList()) {
				Path destination = target.resolve(CHART.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(destination);
				}
				else {
					Files.copy(source, destination);
				}
			}
		}
	}

}
