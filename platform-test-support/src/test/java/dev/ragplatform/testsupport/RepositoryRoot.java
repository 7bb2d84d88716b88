package dev.ragplatform.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's root: the nearest folder above the working directory that holds the {@code rag} command. */
final class RepositoryRoot {

	private RepositoryRoot() {
	}

	static Path find() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("rag")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no ./rag above " + Path.of("").toAbsolutePath());
	}

}
