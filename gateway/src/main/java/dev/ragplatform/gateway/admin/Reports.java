package dev.ragplatform.gateway.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.ragplatform.gateway.config.GatewayProperties;

import org.springframework.stereotype.Component;

/**
 * The reports {@code ./rag eval} and {@code ./rag bench} write ({@code <name>-<yyyyMMdd-HHmmss>.json}, {@code .md},
 * {@code .png}) in {@code rag.gateway.reports-dir}, read-only. Only plain file names of those three kinds directly
 * in that directory are ever opened.
 */
@Component
class Reports {

	/** A report file name: no directories, no dot segments, one of the three extensions. */
	static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,120}\\.(json|md|png)");

	private static final Pattern STAMPED = Pattern.compile("(.+)-(\\d{8}-\\d{6})");

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final Path dir;

	Reports(GatewayProperties properties) {
		this.dir = properties.reportsDir().toAbsolutePath().normalize();
	}

	/** One report: its files by extension, named {@code <suite>-<time>}. */
	record Report(String name, String suite, LocalDateTime time, Map<String, String> files) {
	}

	record Listing(String directory, boolean available, String detail, List<Report> reports) {
	}

	Listing list() {
		if (!Files.isDirectory(this.dir)) {
			return new Listing(this.dir.toString(), false,
					"no reports directory at " + this.dir + " (rag.gateway.reports-dir; ./rag eval and ./rag bench write them)",
					List.of());
		}
		Map<String, Report> byName = new TreeMap<>();
		try (Stream<Path> files = Files.list(this.dir)) {
			files.filter(Files::isRegularFile).map((p) -> p.getFileName().toString()).filter((f) -> FILE.matcher(f).matches())
				.forEach((file) -> {
					int dot = file.lastIndexOf('.');
					String name = file.substring(0, dot);
					Report report = byName.computeIfAbsent(name, Reports::report);
					report.files().put(file.substring(dot + 1), file);
				});
		}
		catch (IOException ex) {
			return new Listing(this.dir.toString(), false, "cannot list " + this.dir + " (" + ex.getClass().getSimpleName() + ")", List.of());
		}
		List<Report> reports = new ArrayList<>(byName.values());
		reports.sort(Comparator.comparing(Report::time, Comparator.nullsLast(Comparator.reverseOrder()))
			.thenComparing(Report::name));
		return new Listing(this.dir.toString(), true, null, reports);
	}

	private static Report report(String name) {
		Matcher m = STAMPED.matcher(name);
		LocalDateTime time = null;
		String suite = name;
		if (m.matches()) {
			try {
				time = LocalDateTime.parse(m.group(2), STAMP);
				suite = m.group(1);
			}
			catch (DateTimeParseException ignored) {
				// not a time stamp after all: the whole name is the suite
			}
		}
		return new Report(name, suite, time, new TreeMap<>());
	}

	/** The file, if the name is a report file's and it exists directly in the directory; null otherwise. */
	Path file(String name) {
		if (name == null || !FILE.matcher(name).matches()) {
			return null;
		}
		Path file = this.dir.resolve(name).normalize();
		return (file.getParent().equals(this.dir) && Files.isRegularFile(file)) ? file : null;
	}

}
