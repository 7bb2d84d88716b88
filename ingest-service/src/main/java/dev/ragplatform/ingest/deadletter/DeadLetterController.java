package dev.ragplatform.ingest.deadletter;

import java.util.List;

import dev.ragplatform.runtime.problem.ServiceProblem;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/dead-letters}: the records of the dead-letter topics with their reason, newest first, and a replay
 * that sends one back to its topic once (after the cause is fixed: a collection created, a service configured).
 */
@RestController
@RequestMapping("/v1/dead-letters")
class DeadLetterController {

	private final DeadLetters deadLetters;

	DeadLetterController(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	record Listing(List<String> topics, List<DeadLetters.DeadLetter> records) {
	}

	@GetMapping
	Listing list(@RequestParam(required = false) String topic, @RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > 500) {
			throw ServiceProblem.badRequest("limit must be between 1 and 500");
		}
		return new Listing(DeadLetters.TOPICS, this.deadLetters.list(topic, limit));
	}

	/** 202 when the record was sent again; 200 with {@code replayed: false} when an earlier replay had sent it. */
	@PostMapping("/{topic}/{partition}/{offset}:replay")
	ResponseEntity<DeadLetters.Replay> replay(@PathVariable String topic, @PathVariable int partition,
			@PathVariable long offset) {
		DeadLetters.Replay replay = this.deadLetters.replay(topic, partition, offset);
		return replay.replayed() ? ResponseEntity.accepted().body(replay) : ResponseEntity.ok(replay);
	}

}
