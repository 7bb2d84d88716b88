package dev.ragplatform.retrieval.adapter;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionService;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Task adapters of a collection: training jobs ({@code POST}, 202), their list and state, cancel, activate,
 * deactivate, delete. Search applies the active adapter (see {@link AdapterRegistry}).
 */
@RestController
class AdapterController {

	private final CollectionService collections;

	private final AdapterJobs jobs;

	private final AdapterRepository repository;

	private final AdapterRegistry registry;

	AdapterController(CollectionService collections, AdapterJobs jobs, AdapterRepository repository,
			AdapterRegistry registry) {
		this.collections = collections;
		this.jobs = jobs;
		this.repository = repository;
		this.registry = registry;
	}

	@PostMapping(path = "/v1/collections/{collection}/adapters", consumes = "application/json")
	ResponseEntity<AdapterView> train(@PathVariable String collection, @RequestBody TrainRequest request) {
		Collection c = this.collections.get(collection);
		AdapterRepository.Row row = this.jobs.start(c, request);
		return ResponseEntity.accepted()
			.location(URI.create("/v1/collections/" + c.name() + "/adapters/" + row.id()))
			.body(view(c, row));
	}

	/** The same from an uploaded label file: CSV or JSON Lines as the body, the settings as query parameters. */
	@PostMapping(path = "/v1/collections/{collection}/adapters",
			consumes = { "text/csv", "application/x-ndjson", "application/jsonl" })
	ResponseEntity<AdapterView> trainFromFile(@PathVariable String collection,
			@org.springframework.web.bind.annotation.RequestHeader("Content-Type") String contentType,
			@RequestBody String body, @RequestParam(required = false) String name,
			@RequestParam(required = false) String targetField, @RequestParam(required = false) String queryColumn,
			@RequestParam(required = false) String targetsColumn, @RequestParam(required = false) String task,
			@RequestParam(required = false) Integer rank, @RequestParam(required = false) Integer epochs,
			@RequestParam(required = false) Double validationFraction, @RequestParam(required = false) Long seed,
			@RequestParam(required = false) Boolean activate) {
		List<LabelPair> pairs = contentType.startsWith("text/csv") ? LabelFiles.csv(body, queryColumn, targetsColumn)
				: LabelFiles.jsonLines(body);
		return train(collection, new TrainRequest(name, new LabelSet(targetField, pairs), null, task, rank, epochs,
				null, null, null, null, null, validationFraction, seed, activate));
	}

	@GetMapping("/v1/collections/{collection}/adapters")
	AdapterList list(@PathVariable String collection) {
		Collection c = this.collections.get(collection);
		List<AdapterView> views = this.repository.list(c.id()).stream().map((r) -> view(c, r)).toList();
		String active = views.stream().filter(AdapterView::active).map((v) -> v.id().toString()).findFirst()
			.orElse("none");
		return new AdapterList(c.name(), active, views);
	}

	@GetMapping("/v1/collections/{collection}/adapters/{id}")
	AdapterView get(@PathVariable String collection, @PathVariable String id) {
		Collection c = this.collections.get(collection);
		return view(c, row(c, id));
	}

	@PostMapping("/v1/collections/{collection}/adapters/{id}:cancel")
	AdapterView cancel(@PathVariable String collection, @PathVariable String id) {
		Collection c = this.collections.get(collection);
		AdapterRepository.Row row = row(c, id);
		if (!this.jobs.cancel(row.id())) {
			throw ServiceProblem.conflict("adapter " + id + " is " + row.status() + "; only queued or training jobs "
					+ "can be cancelled");
		}
		return view(c, row(c, id));
	}

	@PostMapping("/v1/collections/{collection}/adapters/{id}:activate")
	AdapterView activate(@PathVariable String collection, @PathVariable String id) {
		Collection c = this.collections.get(collection);
		AdapterRepository.Row row = row(c, id);
		if (!row.status().equals("ready")) {
			throw ServiceProblem.conflict("adapter " + id + " is " + row.status() + "; only a ready adapter can be "
					+ "activated");
		}
		JsonNode metrics = row.metrics();
		if (metrics != null && !metrics.path("beatsBaseline").asBoolean(false)) {
			throw ServiceProblem.conflict("adapter " + id + " does not beat the unadapted baseline on its held-out "
					+ "queries (nDCG@10 " + metrics.path("validation").path("nDCG@10").asDouble() + " vs "
					+ metrics.path("baseline").path("nDCG@10").asDouble() + "); it is not activated");
		}
		this.repository.activate(c.id(), row.id());
		this.registry.evict(c.id());
		return view(c, row(c, id));
	}

	@PostMapping("/v1/collections/{collection}/adapters/{id}:deactivate")
	AdapterView deactivate(@PathVariable String collection, @PathVariable String id) {
		Collection c = this.collections.get(collection);
		AdapterRepository.Row row = row(c, id);
		this.repository.deactivate(c.id(), row.id());
		this.registry.evict(c.id());
		return view(c, row(c, id));
	}

	@DeleteMapping("/v1/collections/{collection}/adapters/{id}")
	ResponseEntity<Void> delete(@PathVariable String collection, @PathVariable String id) {
		Collection c = this.collections.get(collection);
		AdapterRepository.Row row = row(c, id);
		this.jobs.cancel(row.id());
		this.repository.delete(c.id(), row.id());
		this.registry.evict(c.id());
		return ResponseEntity.noContent().build();
	}

	private AdapterRepository.Row row(Collection c, String id) {
		UUID uuid;
		try {
			uuid = UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest("'" + id + "' is not an adapter id");
		}
		return this.repository.find(c.id(), uuid)
			.orElseThrow(() -> ServiceProblem.notFound("collection '" + c.name() + "' has no adapter " + id));
	}

	private AdapterView view(Collection c, AdapterRepository.Row r) {
		Map<String, Object> live = this.jobs.progress(r.id());
		Object progress = (live != null) ? Map.copyOf(live) : r.progress();
		return new AdapterView(r.id(), c.name(), r.version(), r.name(), r.status(), r.active(), r.supervision(),
				r.task(), r.embeddingModel(), r.dimensions(), r.rank(), r.dataDigest(), r.settings(), r.metrics(),
				progress, r.error(), r.createdAt(), r.finishedAt());
	}

}
