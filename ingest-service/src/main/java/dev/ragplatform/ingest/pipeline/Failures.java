package dev.ragplatform.ingest.pipeline;

import java.util.List;

import dev.ragplatform.ingest.web.DependencyUnavailableException;
import dev.ragplatform.runtime.failure.TransientFailures;

/** Which failures are transient: the document is fine, something it needs is not (yet). */
final class Failures {

	private Failures() {
	}

	private static final TransientFailures RULES = TransientFailures.of(List.of(PoisonDocumentException.class),
			List.of(DependencyUnavailableException.class, org.springframework.kafka.KafkaException.class,
					org.apache.kafka.common.errors.RetriableException.class));

	static boolean isTransient(Throwable ex) {
		return RULES.isTransient(ex);
	}

	/**
	 * What a document's status may say about a failure nobody foresaw: its kind, not its message (which may name
	 * hosts, SQL or files); the message and stack go to the log.
	 */
	static String unexpected(Throwable ex) {
		return "unexpected failure (" + ex.getClass().getSimpleName() + "); the details are in ingest-service's log";
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		return (message != null && !message.isBlank()) ? message : ex.getClass().getSimpleName();
	}

}
