package dev.ragplatform.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The git revision of the working directory, as reports record it (evaluation reports, benchmark reports). */
public final class GitRevision {

	private GitRevision() {
	}

	/** The short commit, with {@code -dirty} when the working tree has changes; "unknown" outside git. */
	public static String describe() {
		try {
			String head = git("rev-parse", "--short=12", "HEAD");
			return head.isEmpty() ? "unknown" : git("status", "--porcelain").isBlank() ? head : head + "-dirty";
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	private static String git(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("git"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		return (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) ? out : "";
	}

}
