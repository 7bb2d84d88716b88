package dev.ragplatform.testsupport;

/** Thrown when a test needs infrastructure this machine cannot provide; the message says how to install it. */
public class InfrastructureUnavailableException extends RuntimeException {

	InfrastructureUnavailableException(String message) {
		super(message);
	}

	InfrastructureUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
