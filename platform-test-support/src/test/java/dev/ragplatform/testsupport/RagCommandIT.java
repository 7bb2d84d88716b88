package dev.ragplatform.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ./rag} command in the bad states a newcomer meets: each gives a clear message and a non-zero exit. */
class RagCommandIT {

	private final Path root = RepositoryRoot.find();

	@Test
	void helpExplainsEveryCommand() throws Exception {
		Result result = rag(Map.of(), "help");
		assertThat(result.exit()).isZero();
		assertThat(result.output()).contains("up ", "down ", "status ", "logs <name>", "test [args]", "help ");
	}

	@Test
	void unknownCommandFailsWithUsage() throws Exception {
		Result result = rag(Map.of(), "upp");
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.output()).contains("unknown command 'upp'").contains("Usage: ./rag");
	}

	@Test
	void aCommandsHelpPrintsItsUsageAndStartsNothing(@TempDir Path state) throws Exception {
		for (String command : List.of("eval", "up", "bench", "admin-key")) {
			Result result = rag(Map.of("RAG_STATE_DIR", state.resolve("state").toString()), command, "--help");
			assertThat(result.exit()).as(command).isZero();
			assertThat(result.output()).as(command).startsWith("Usage: ./rag " + command).contains("  " + command + " ")
				.doesNotContain("starting", "building");
		}
		assertThat(state.resolve("state")).doesNotExist();
	}

	@Test
	void adminKeyWithoutARunningPlatformSaysToStartIt(@TempDir Path state) throws Exception {
		Result result = rag(Map.of("RAG_STATE_DIR", state.toString(), "RAG_PG_PORT", "1"), "admin-key");
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.output()).contains("PostgreSQL is not running: ./rag up first").doesNotContain("rag_");
	}

	@Test
	void withoutJdk21ItSaysHowToGetOne(@TempDir Path empty) throws Exception {
		Result result = rag(Map.of("RAG_JDK_DIRS", empty.toString(), "JAVA_HOME", empty.toString()), "up");
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.output()).contains("no JDK >= 21 found").contains("set JAVA_HOME");
	}

	@Test
	void withoutPostgresAndWithoutRootItSaysHowToInstall(@TempDir Path empty) throws Exception {
		Result result = rag(Map.of("RAG_PG_DIRS", empty.toString(), "RAG_NO_INSTALL", "1", "RAG_MODE", "local",
				"RAG_STATE_DIR", empty.resolve("state").toString()), "up");
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.output()).contains("PostgreSQL >= 15 is not installed")
			.contains("sudo ./scripts/install-prerequisites.sh");
	}

	@Test
	void aTakenPortIsNamedWithItsOwnerBeforeAnythingStarts(@TempDir Path state) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Result result = rag(Map.of("RAG_PG_PORT", String.valueOf(taken.getLocalPort()), "RAG_MODE", "local",
					"RAG_STATE_DIR", state.toString()), "up");
			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.output()).contains("port " + taken.getLocalPort() + " (needed by PostgreSQL) is taken")
				.contains("RAG_PG_PORT");
			assertThat(state.resolve("pg/data")).doesNotExist();
		}
	}

	private Result rag(Map<String, String> env, String... args) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(
				concat(List.of("bash", this.root.resolve("rag").toString()), List.of(args)));
		Map<String, String> environment = builder.environment();
		environment.putAll(new HashMap<>(env));
		builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
		Process process = builder.start();
		byte[] out = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("./rag finished").isTrue();
		return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
	}

	private static List<String> concat(List<String> a, List<String> b) {
		return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
	}

	private record Result(int exit, String output) {
	}

}
