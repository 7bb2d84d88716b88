package dev.ragplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster started from the binaries installed on this machine: initdb into a temporary
 * directory, listen on 127.0.0.1 on a free port, trust authentication, no fsync, removed when the JVM exits.
 * PostgreSQL refuses to run as root, so under root it runs as {@code RAG_PG_OS_USER} (default {@code postgres}).
 */
final class LocalPostgresCluster {

	static final int MIN_MAJOR = 15;

	static final String INSTALL_HINT = """
			No PostgreSQL >= %d server binaries found (looked in RAG_PG_BIN, /usr/lib/postgresql/*/bin, \
			/usr/pgsql-*/bin, /usr/local/pgsql/bin and PATH).
			  Debian/Ubuntu: sudo ./scripts/install-prerequisites.sh (installs postgresql and pgvector);
			  or set RAG_PG_BIN to the directory holding initdb and pg_ctl;
			  or set RAG_TEST_PG_URL to a PostgreSQL with pgvector; or start a Docker engine for Testcontainers.""";

	private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

	private LocalPostgresCluster() {
	}

	static PostgresServer start() {
		Path bin = findBinaries(candidateDirectories())
			.orElseThrow(() -> new InfrastructureUnavailableException(INSTALL_HINT.formatted(MIN_MAJOR)));
		List<String> runAs = runAsPrefix();
		try {
			Path dir = Files.createTempDirectory("rag-pg-");
			if (!runAs.isEmpty()) {
				UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs.get(2));
				Files.setOwner(dir, owner);
			}
			Path data = dir.resolve("data");
			exec(runAs, bin.resolve("initdb"), "-D", data.toString(), "-U", "rag", "-A", "trust", "-E", "UTF8",
					"--locale=C", "--no-sync");
			int port = startOnFreePort(runAs, bin, dir, data);
			Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(runAs, bin, dir, data), "rag-pg-stop"));
			return new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "rag", "",
					"local cluster " + data + " (" + bin + ")");
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("Cannot start a local PostgreSQL cluster: " + ex.getMessage(), ex);
		}
	}

	private static int startOnFreePort(List<String> runAs, Path bin, Path dir, Path data) throws IOException {
		IOException last = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			int port = freePort();
			try {
				exec(runAs, bin.resolve("pg_ctl"), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(),
						"-w", "-t", "60", "-o", "-p " + port + " -k " + dir
								+ " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
								+ " -c full_page_writes=off -c max_connections=300",
						"start");
				return port;
			}
			catch (IOException ex) {
				last = ex; // most likely the port was taken between choosing and binding it
			}
		}
		throw last;
	}

	private static void stop(List<String> runAs, Path bin, Path dir, Path data) {
		try {
			exec(runAs, bin.resolve("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop");
		}
		catch (IOException ex) {
			System.err.println("rag test support: could not stop " + data + ": " + ex.getMessage());
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// a leftover directory in the temp folder is harmless
		}
	}

	static List<Path> candidateDirectories() {
		List<Path> dirs = new ArrayList<>();
		String env = System.getenv("RAG_PG_BIN");
		if (env != null && !env.isBlank()) {
			dirs.add(Path.of(env));
		}
		dirs.addAll(glob(Path.of("/usr/lib/postgresql"), "*/bin"));
		dirs.addAll(glob(Path.of("/usr"), "pgsql-*/bin"));
		dirs.add(Path.of("/usr/local/pgsql/bin"));
		for (String entry : String.valueOf(System.getenv("PATH")).split(":")) {
			if (!entry.isBlank()) {
				dirs.add(Path.of(entry));
			}
		}
		return dirs;
	}

	/** The directory with the newest PostgreSQL >= {@link #MIN_MAJOR} that has initdb and pg_ctl. */
	static Optional<Path> findBinaries(List<Path> candidates) {
		Path best = null;
		int bestMajor = MIN_MAJOR - 1;
		for (Path dir : candidates) {
			if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
				int major = majorVersion(dir.resolve("initdb"));
				if (major > bestMajor) {
					best = dir;
					bestMajor = major;
				}
			}
		}
		return Optional.ofNullable(best);
	}

	private static int majorVersion(Path initdb) {
		try {
			Matcher m = VERSION.matcher(exec(List.of(), initdb, "--version"));
			return m.find() ? Integer.parseInt(m.group(1)) : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static List<Path> glob(Path root, String pattern) {
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		var matcher = root.getFileSystem().getPathMatcher("glob:" + pattern);
		try (Stream<Path> paths = Files.walk(root, 2)) {
			return paths.filter((p) -> matcher.matches(root.relativize(p))).sorted().toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static List<String> runAsPrefix() {
		if (!isRoot()) {
			return List.of();
		}
		String user = Optional.ofNullable(System.getenv("RAG_PG_OS_USER")).filter((u) -> !u.isBlank()).orElse("postgres");
		try {
			exec(List.of(), Path.of("/usr/bin/id"), "-u", user);
		}
		catch (IOException ex) {
			throw new InfrastructureUnavailableException("PostgreSQL cannot run as root, and the user '" + user
					+ "' to run it as does not exist: create it (useradd --system " + user
					+ ") or set RAG_PG_OS_USER to an existing unprivileged user.");
		}
		return List.of("runuser", "-u", user, "--");
	}

	private static boolean isRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String exec(List<String> prefix, Path program, String... args) throws IOException {
		List<String> command = new ArrayList<>(prefix);
		command.add(program.toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			byte[] out = process.getInputStream().readAllBytes();
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException("timed out: " + String.join(" ", command));
			}
			String text = new String(out, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + text.strip());
			}
			return text;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted: " + String.join(" ", command), ex);
		}
	}

}
