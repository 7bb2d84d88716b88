package dev.ragplatform.ingest.connector;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.ragplatform.runtime.problem.ServiceProblem;


import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/collections/{collection}/sources/java}: import a Java API (JDK src.zip, Maven -sources.jar). */
@RestController
@RequestMapping("/v1/collections/{collection}/sources/java")
class JavaSourceController {

	private final JavaSourceConnector connector;

	JavaSourceController(JavaSourceConnector connector) {
		this.connector = connector;
	}

	@PostMapping
	ResponseEntity<JavaSourceConnector.View> start(@PathVariable String collection, @RequestBody ImportRequest request) {
		JavaSourceConnector.View job = this.connector
			.start(collection, request.path(), Set.copyOf(present(request.modules())), present(request.packages()))
			.view();
		return ResponseEntity.accepted().location(URI.create(job.statusUrl())).body(job);
	}

	@GetMapping("/{id}")
	JavaSourceConnector.View get(@PathVariable String collection, @PathVariable String id) {
		try {
			return this.connector.get(collection, UUID.fromString(id)).view();
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.notFound("No Java source import " + id + ".");
		}
	}

	private static List<String> present(List<String> values) {
		return (values != null) ? values.stream().filter((v) -> v != null && !v.isBlank()).toList() : List.of();
	}

	/**
	 * @param path a JDK {@code lib/src.zip} or a Maven {@code -sources.jar} on the server, under an allowed root
	 * @param modules JDK modules to read (e.g. {@code java.base}); all when absent
	 * @param packages package prefixes to read (e.g. {@code java.util}); all when absent
	 */
	record ImportRequest(String path, List<String> modules, List<String> packages) {
	}

}
