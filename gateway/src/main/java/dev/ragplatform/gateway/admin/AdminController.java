package dev.ragplatform.gateway.admin;

import java.nio.file.Path;

import dev.ragplatform.runtime.problem.ServiceProblem;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only views for the admin console where the services have no API of their own ({@code admin} scope, as all of
 * {@code /api/v1/admin/**}): the platform's overview and the evaluation and benchmark reports.
 */
@RestController
@RequestMapping("/api/v1/admin")
class AdminController {

	private final PlatformOverview overview;

	private final Reports reports;

	AdminController(PlatformOverview overview, Reports reports) {
		this.overview = overview;
		this.reports = reports;
	}

	@GetMapping("/overview")
	Mono<PlatformOverview.Overview> overview() {
		return this.overview.read();
	}

	@GetMapping("/reports")
	Mono<Reports.Listing> reports() {
		return Mono.fromCallable(this.reports::list).subscribeOn(Schedulers.boundedElastic());
	}

	@GetMapping("/reports/{file}")
	Mono<ResponseEntity<Resource>> report(@PathVariable String file) {
		return Mono.fromCallable(() -> {
			Path path = this.reports.file(file);
			if (path == null) {
				throw ServiceProblem.notFound("no report file '" + file + "' (names end in .json, .md or .png)");
			}
			MediaType type = file.endsWith(".png") ? MediaType.IMAGE_PNG
					: file.endsWith(".json") ? MediaType.APPLICATION_JSON
							: MediaType.parseMediaType("text/markdown;charset=UTF-8");
			return ResponseEntity.ok().contentType(type).<Resource>body(new FileSystemResource(path));
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
