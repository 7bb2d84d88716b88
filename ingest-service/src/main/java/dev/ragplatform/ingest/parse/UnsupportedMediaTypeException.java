package dev.ragplatform.ingest.parse;

/** The content is of a type the service does not take, such as an image or an archive. */
public class UnsupportedMediaTypeException extends RuntimeException {

	private final String mediaType;

	public UnsupportedMediaTypeException(String mediaType) {
		super("unsupported media type: " + mediaType);
		this.mediaType = mediaType;
	}

	public String mediaType() {
		return this.mediaType;
	}

}
