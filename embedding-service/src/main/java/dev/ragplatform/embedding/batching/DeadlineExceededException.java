package dev.ragplatform.embedding.batching;

/** An input's deadline passed before it reached a batch; its work was dropped. */
public class DeadlineExceededException extends RuntimeException {

	DeadlineExceededException() {
		super("the request's deadline passed before its inputs were embedded");
	}

}
