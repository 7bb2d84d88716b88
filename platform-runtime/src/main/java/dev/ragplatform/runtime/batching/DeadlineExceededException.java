package dev.ragplatform.runtime.batching;

/** A request's deadline passed before its sequences were run; its work was dropped. */
public class DeadlineExceededException extends RuntimeException {

	DeadlineExceededException() {
		super("the request's deadline passed before its sequences were run");
	}

}
