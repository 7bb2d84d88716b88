package dev.ragplatform.ingest.api;

import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ragplatform.contracts.document.DocumentStatus;
import dev.ragplatform.ingest.document.DocumentRepository.Registration;
import dev.ragplatform.ingest.document.Document;
import dev.ragplatform.ingest.document.DocumentRepository;
import dev.ragplatform.ingest.pipeline.DocumentIntake;
import dev.ragplatform.runtime.problem.ServiceProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /v1/collections/{collection}/documents}: submit (JSON or file), status, list, text, retry, delete. */
@RestController
@RequestMapping("/v1/collections/{collection}/documents")
class DocumentController {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final DocumentIntake intake;

	private final DocumentRepository documents;

	private final JsonMapper json;

	DocumentController(DocumentIntake intake, DocumentRepository documents, JsonMapper json) {
		this.intake = intake;
		this.documents = documents;
		this.json = json;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<DocumentView> submitText(@PathVariable String collection, @RequestBody TextDocument request,
			@RequestParam(required = false) String duplicates,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
		if (refuseDuplicates(duplicates) && request.text() != null && !retried(collection, idempotencyKey)) {
			requireNoDuplicate(collection, request.text().getBytes(java.nio.charset.StandardCharsets.UTF_8),
					request.externalId());
		}
		return accepted(this.intake.submitText(collection, request.externalId(), request.title(), request.text(),
				request.metadata(), idempotencyKey));
	}

	@PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<DocumentView> submitFile(@PathVariable String collection, @RequestPart("file") MultipartFile file,
			@RequestParam(required = false) String externalId, @RequestParam(required = false) String title,
			@RequestParam(required = false) String metadata, @RequestParam(required = false) String duplicates,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
		byte[] content = file.getBytes();
		if (refuseDuplicates(duplicates) && !retried(collection, idempotencyKey)) {
			requireNoDuplicate(collection, content, externalId);
		}
		return accepted(this.intake.submitFile(collection, externalId, title, content,
				file.getOriginalFilename(), parseMetadata(metadata), idempotencyKey));
	}

	@GetMapping("/{id}")
	DocumentView get(@PathVariable String collection, @PathVariable String id) {
		return withQueue(List.of(DocumentView.of(this.intake.get(collection, uuid(id)), false))).get(0);
	}

	/** Every status the document's versions reached, oldest first. */
	@GetMapping("/{id}/history")
	List<DocumentRepository.HistoryEntry> history(@PathVariable String collection, @PathVariable String id) {
		return this.documents.history(this.intake.get(collection, uuid(id)).id());
	}

	@GetMapping
	DocumentPage list(@PathVariable String collection, @RequestParam(required = false) String status,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		DocumentStatus wanted = null;
		if (status != null && !status.isBlank()) {
			try {
				wanted = DocumentStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw ServiceProblem.badRequest("status must be one of " + Arrays.toString(DocumentStatus.values()));
			}
		}
		if (page < 0 || size < 1 || size > 500) {
			throw ServiceProblem.badRequest("page must be ≥ 0 and size between 1 and 500");
		}
		List<DocumentView> items = withQueue(this.documents.list(collection, wanted, page, size)
			.stream()
			.map((d) -> DocumentView.of(d, false))
			.toList());
		return new DocumentPage(items, page, size, this.documents.count(collection, wanted),
				this.documents.countByStatus(collection));
	}

	/** Waiting documents with their place in the queue and, when the queue moved lately, an estimate. */
	private List<DocumentView> withQueue(List<DocumentView> views) {
		List<UUID> waiting = views.stream()
			.filter((v) -> DocumentStatus.RECEIVED.name().equals(v.status()))
			.map((v) -> UUID.fromString(v.documentId()))
			.toList();
		if (waiting.isEmpty()) {
			return views;
		}
		Map<UUID, Long> ahead = this.documents.waitingAhead(waiting);
		double rate = this.documents.parsedPerSecond();
		return views.stream().map((v) -> {
			Long n = ahead.get(UUID.fromString(v.documentId()));
			return (n == null) ? v : v.waiting(n, (rate > 0) ? (n + 1) / rate : null);
		}).toList();
	}

	/** A client's retry of a request (its Idempotency-Key used before): it answers the first one's document. */
	private boolean retried(String collection, String idempotencyKey) {
		return idempotencyKey != null && !idempotencyKey.isBlank()
				&& this.documents.idempotencyKeyUsed(collection, idempotencyKey);
	}

	private static boolean refuseDuplicates(String duplicates) {
		if (duplicates == null || duplicates.isBlank() || duplicates.equals("allow")) {
			return false;
		}
		if (duplicates.equals("refuse")) {
			return true;
		}
		throw ServiceProblem.badRequest("duplicates must be 'allow' (the default) or 'refuse'");
	}

	/** 409 with the documents that already hold this content ({@code duplicates}), so a client can ask the user. */
	private void requireNoDuplicate(String collection, byte[] content, String externalId) {
		List<Document> same = this.documents.sameContent(collection, DocumentRepository.sha256(content),
				(externalId == null || externalId.isBlank()) ? null : externalId);
		if (same.isEmpty()) {
			return;
		}
		Document first = same.get(0);
		ServiceProblem problem = ServiceProblem.of(org.springframework.http.HttpStatus.CONFLICT,
				dev.ragplatform.contracts.problem.ProblemTypes.CONFLICT, "Duplicate document",
				"Collection '" + collection + "' already holds this content as '" + name(first) + "' (" + first.id() + ", "
						+ first.status() + ")" + ((same.size() > 1) ? " and " + (same.size() - 1) + " more" : "")
						+ "; send it without duplicates=refuse to store it again.");
		problem.getBody().setProperty("duplicates", same.stream()
			.map((d) -> Map.of("documentId", d.id().toString(), "externalId", d.externalId(), "name", name(d), "status",
					d.status().name()))
			.toList());
		throw problem;
	}

	/** What a person knows a document by: its title, else its file's name, else its external id. */
	private static String name(Document d) {
		return (d.title() != null) ? d.title() : (d.fileName() != null) ? d.fileName() : d.externalId();
	}

	/** The parsed text of the current version: chunk offsets point into it. */
	@GetMapping(path = "/{id}/text", produces = MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8")
	String text(@PathVariable String collection, @PathVariable String id) {
		Document document = this.intake.get(collection, uuid(id));
		if (document.status() == DocumentStatus.DELETED) {
			throw ServiceProblem.notFound("Document " + id + " was deleted: its content and text are erased.");
		}
		return this.documents.text(document.id(), document.version())
			.orElseThrow(() -> ServiceProblem.notFound("Document " + id + " has not been parsed yet."));
	}

	@PostMapping("/{id}:retry")
	ResponseEntity<DocumentView> retry(@PathVariable String collection, @PathVariable String id) {
		Document document = this.intake.retry(collection, uuid(id));
		return ResponseEntity.accepted().body(DocumentView.of(document, false));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<DocumentView> delete(@PathVariable String collection, @PathVariable String id) {
		return ResponseEntity.accepted().body(DocumentView.of(this.intake.delete(collection, uuid(id)), false));
	}

	private static ResponseEntity<DocumentView> accepted(Registration registration) {
		Document d = registration.document();
		DocumentView view = DocumentView.of(d, registration.unchanged());
		if (registration.unchanged()) {
			return ResponseEntity.ok(view);
		}
		return ResponseEntity.accepted().location(URI.create(view.statusUrl())).body(view);
	}

	private Map<String, Object> parseMetadata(String metadata) {
		if (metadata == null || metadata.isBlank()) {
			return null;
		}
		try {
			return this.json.readValue(metadata, MAP);
		}
		catch (JacksonException ex) {
			throw ServiceProblem.badRequest("metadata must be a JSON object: " + ex.getOriginalMessage());
		}
	}

	private static UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.notFound("No document has the id '" + id + "'.");
		}
	}

	record TextDocument(String externalId, String title, String text, Map<String, Object> metadata) {
	}

	record DocumentPage(List<DocumentView> documents, int page, int size, long total, Map<String, Long> byStatus) {
	}

	/**
	 * A document's state. {@code unchanged}: the submission repeated the current version, so nothing was queued.
	 * {@code progress}: 0–1 across the stages, for progress bars: how far the version got (a failed one stops
	 * where it failed; a deleted one is 0). For a waiting ({@code RECEIVED}) version, {@code waitingBehind}: how many
	 * documents of any collection have waited longer, and {@code estimatedWaitSeconds}: when the pipeline should
	 * reach it at the rate it parsed documents in the last five minutes (null when it parsed none).
	 */
	record DocumentView(String documentId, String collection, String externalId, long version, String status,
			double progress, String failedStage, String failureReason, String title, String fileName,
			String mediaType, long sizeBytes, Map<String, Object> metadata, String source, Integer chunks,
			int chunksEmbedded, int attempts, boolean unchanged, String statusUrl, OffsetDateTime createdAt,
			OffsetDateTime updatedAt, OffsetDateTime indexedAt, Long waitingBehind, Double estimatedWaitSeconds,
			String traceId) {

		static DocumentView of(Document d, boolean unchanged) {
			return new DocumentView(d.id().toString(), d.collection(), d.externalId(), d.version(), d.status().name(),
					progress(d.status(), d.failedStage()), d.failedStage(), d.failureReason(), d.title(), d.fileName(),
					d.mediaType(), d.sizeBytes(), d.metadata(), d.source(), d.chunkCount(), d.chunksEmbedded(),
					d.attempts(), unchanged, "/v1/collections/" + d.collection() + "/documents/" + d.id(),
					d.createdAt(), d.updatedAt(), d.indexedAt(), null, null, d.traceId());
		}

		DocumentView waiting(long behind, Double seconds) {
			return new DocumentView(this.documentId, this.collection, this.externalId, this.version, this.status,
					this.progress, this.failedStage, this.failureReason, this.title, this.fileName, this.mediaType,
					this.sizeBytes, this.metadata, this.source, this.chunks, this.chunksEmbedded, this.attempts,
					this.unchanged, this.statusUrl, this.createdAt, this.updatedAt, this.indexedAt, behind, seconds,
					this.traceId);
		}

		private static double progress(DocumentStatus status, String failedStage) {
			return switch (status) {
				case RECEIVED, DELETED -> 0.0;
				case PARSED -> 0.2;
				case CHUNKED -> 0.4;
				case EMBEDDED -> 0.8;
				case INDEXED -> 1.0;
				// the stages done before the one that failed
				case FAILED -> switch ((failedStage != null) ? failedStage : "") {
					case "chunk" -> 0.2;
					case "embed" -> 0.4;
					case "publish", "index" -> 0.8;
					default -> 0.0;
				};
			};
		}

	}

}
