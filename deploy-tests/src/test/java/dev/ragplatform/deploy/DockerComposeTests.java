package dev.ragplatform.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.ragplatform.deploy.Manifests.CHART;
import static dev.ragplatform.deploy.Manifests.ROOT;
import static dev.ragplatform.deploy.Manifests.SERVICES;
import static dev.ragplatform.deploy.Manifests.at;
import static dev.ragplatform.deploy.Manifests.list;
import static dev.ragplatform.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, parsed (no Docker engine runs here): healthchecks, pinned images, memory limits, ports on the
 * loopback only, and the same image names as `./rag images` and the Helm chart. `./rag images` itself runs against a
 * stand-in docker command that records what it is asked to build.
 */
class DockerComposeTests {

	private static final Pattern IMAGE = Pattern.compile("^(?<repository>[a-z0-9./_-]+)(:(?<tag>[A-Za-z0-9._-]+))?(@sha256:[0-9a-f]{64})?$");

	private static final Map<String, Object> COMPOSE = Manifests.readYaml(ROOT.resolve("docker-compose.yml"));

	private static final String VERSION = projectVersion();

	static Stream<String> containers() {
		return map(COMPOSE.get("services")).keySet().stream();
	}

	static Stream<String> services() {
		return SERVICES.stream();
	}

	@Test
	void runsTheSixServicesAndTheirInfrastructure() {
		assertThat(map(COMPOSE.get("services")).keySet()).containsExactlyInAnyOrderElementsOf(
				Stream.concat(SERVICES.stream(), Stream.of("postgres", "kafka")).toList());
	}

	@ParameterizedTest
	@MethodSource("containers")
	void everyContainerHasAHealthcheck(String name) {
		Map<String, Object> healthcheck = map(at(COMPOSE, "services", name, "healthcheck"));

		assertThat(healthcheck.get("disable")).isNotEqualTo(true);
		List<Object> test = list(healthcheck.get("test"));
		assertThat(test.get(0)).isIn("CMD", "CMD-SHELL");
		assertThat(test).hasSizeGreaterThan(1);
		assertThat(healthcheck).containsKeys("interval", "timeout", "retries");
	}

	@ParameterizedTest
	@MethodSource("containers")
	void everyImageIsPinned(String name) {
		Object image = at(COMPOSE, "services", name, "image");

		assertThat(image).as("%s has no image: an untagged build", name).isInstanceOf(String.class);
		Matcher matcher = IMAGE.matcher((String) image);
		assertThat(matcher.matches()).as("image reference %s", image).isTrue();
		assertThat(matcher.group("tag")).as("tag of %s", image).isNotNull().isNotEqualTo("latest");
	}

	@ParameterizedTest
	@MethodSource("containers")
	void everyContainerHasAMemoryLimit(String name) {
		Object limit = at(COMPOSE, "services", name, "deploy", "resources", "limits", "memory");

		assertThat(limit).as("%s memory limit", name).isNotNull();
		// a JVM service with the image's MaxRAMPercentage=75 needs at least 512 MB of heap room
		assertThat(bytes(String.valueOf(limit))).isGreaterThanOrEqualTo(768L << 20);
	}

	@ParameterizedTest
	@MethodSource("containers")
	void portsArePublishedOnTheLoopbackOnly(String name) {
		Object ports = at(COMPOSE, "services", name, "ports");

		if (ports != null) {
			assertThat(list(ports)).allSatisfy((p) -> assertThat(String.valueOf(p)).startsWith("127.0.0.1:"));
		}
		assertThat(at(COMPOSE, "services", name, "logging", "options", "max-size")).as("%s log rotation", name).isNotNull();
	}

	@ParameterizedTest
	@MethodSource("services")
	void servicesAreBuiltFromTheOneDockerfileAndTaggedWithTheProjectVersion(String service) {
		Map<String, Object> container = map(at(COMPOSE, "services", service));

		assertThat(at(container, "build", "args", "MODULE")).isEqualTo(service);
		assertThat(at(container, "build", "context")).isEqualTo(".");
		assertThat(container.get("image")).isEqualTo("rag-platform/" + service + ":" + VERSION);
		// the Helm chart deploys the same image
		Map<String, Object> values = Manifests.readYaml(CHART.resolve("values.yaml"));
		assertThat(at(values, "services", service, "image", "repository")).isEqualTo("rag-platform/" + service);
		assertThat(at(Manifests.readYaml(CHART.resolve("Chart.yaml")), "appVersion")).isEqualTo(VERSION);
	}

	@ParameterizedTest
	@MethodSource("services")
	void servicesAreHealthyWhenTheirReadinessGroupIsUp(String service) {
		int port = (Integer) at(Manifests.readYaml(ROOT.resolve(service).resolve("src/main/resources/application.yaml")),
				"server", "port");
		// the gateway answers health on its management port only
		int healthPort = service.equals("gateway") ? 8090 : port;
		String test = String.join(" ", list(at(COMPOSE, "services", service, "healthcheck", "test")).stream().map(String::valueOf).toList());

		assertThat(test).contains("/dev/tcp/127.0.0.1/" + healthPort + " ")
			.contains("GET /actuator/health/readiness")
			.contains("\"status\":\"UP\"");
		assertThat(list(at(COMPOSE, "services", service, "ports"))).containsExactly("127.0.0.1:" + port + ":" + port);
	}

	@ParameterizedTest
	@MethodSource("services")
	void servicesRunWithoutCapabilitiesAndWaitForHealthyDependencies(String service) {
		Map<String, Object> container = map(at(COMPOSE, "services", service));

		assertThat(list(container.get("cap_drop"))).containsExactly("ALL");
		assertThat(list(container.get("security_opt"))).contains("no-new-privileges:true");
		assertThat(container.get("restart")).isEqualTo("unless-stopped");
		Map<String, Object> dependsOn = map(container.get("depends_on"));
		assertThat(dependsOn).containsKeys("postgres", "kafka");
		dependsOn.forEach((dependency, condition) -> {
			assertThat(map(COMPOSE.get("services"))).containsKey(dependency);
			assertThat(at(condition, "condition")).isEqualTo("service_healthy");
		});
	}

	@Test
	void serviceSecretsComeFromTheEnvironmentNotTheFile() {
		for (String service : SERVICES) {
			Object environment = at(COMPOSE, "services", service, "environment");
			map(environment).forEach((name, value) -> {
				if (name.contains("PASSWORD") || name.contains("APIKEY")) {
					assertThat(String.valueOf(value)).as(name).startsWith("${");
				}
			});
		}
	}

	@Test
	void imagesCommandBuildsEachServiceAndTheGpuVariants(@TempDir Path bin) throws Exception {
		Path calls = fakeDocker(bin, 0);

		Result result = rag(bin, "images", "--pull");

		assertThat(result.exitCode()).as(result.output()).isZero();
		List<String> builds = Files.readAllLines(calls).stream().filter((l) -> l.startsWith("build ")).toList();
		List<String> expected = Stream.concat(
				Stream.of("embedding-service", "rerank-service", "retrieval-service", "ingest-service", "llm-adapter", "gateway")
					.map((s) -> "build --build-arg MODULE=" + s + " -t rag-platform/" + s + ":" + VERSION + " --pull ."),
				Stream.of("embedding-service", "rerank-service")
					.map((s) -> "build --build-arg MODULE=" + s + " --build-arg MAVEN_PROFILES=gpu --build-arg RUNTIME_BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04"
							+ " -t rag-platform/" + s + ":"
							+ VERSION + "-gpu --pull ."))
			.toList();
		assertThat(builds).containsExactlyElementsOf(expected);
		// the tags are the images docker-compose.yml runs
		for (String service : SERVICES) {
			assertThat(builds).anyMatch((b) -> b.contains(" -t " + at(COMPOSE, "services", service, "image") + " "));
		}
	}

	@Test
	void imagesCommandFailsClearlyWhereNoDockerEngineAnswers(@TempDir Path bin) throws Exception {
		Path calls = fakeDocker(bin, 1);

		Result result = rag(bin, "images");

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("images needs a Docker engine, and none answers here");
		assertThat(Files.readAllLines(calls)).noneMatch((l) -> l.startsWith("build "));
	}

	/** A docker command that logs its arguments; `docker info` exits with infoExitCode. */
	private static Path fakeDocker(Path bin, int infoExitCode) throws IOException {
		Path calls = bin.resolve("calls.log");
		Files.writeString(calls, "");
		Path docker = bin.resolve("docker");
		Files.writeString(docker, """
				#!/usr/bin/env bash
				echo "$*" >> '%s'
				if [ "$1" = info ]; then exit %d; fi
				exit 0
				""".formatted(calls, infoExitCode));
		Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
		return calls;
	}

	private record Result(int exitCode, String output) {
	}

	private static Result rag(Path bin, String... args) throws Exception {
		List<String> command = Stream.concat(Stream.of("bash", ROOT.resolve("rag").toString()), Stream.of(args)).toList();
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
		builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private static long bytes(String size) {
		Matcher m = Pattern.compile("(\\d+)([kmg]?)b?").matcher(size.toLowerCase(Locale.ROOT));
		assertThat(m.matches()).as("memory size %s", size).isTrue();
		long n = Long.parseLong(m.group(1));
		return switch (m.group(2)) {
			case "k" -> n << 10;
			case "m" -> n << 20;
			case "g" -> n << 30;
			default -> n;
		};
	}

	private static String projectVersion() {
		try {
			Matcher m = Pattern.compile("<artifactId>rag-platform</artifactId>\\s*<version>([^<]+)</version>")
				.matcher(Files.readString(ROOT.resolve("pom.xml")));
			assertThat(m.find()).isTrue();
			return m.group(1);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
