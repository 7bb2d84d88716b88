package dev.ragplatform.embedding.model;

/**
 * One tokenised input for the encoder.
 *
 * @param ids token ids, special tokens included
 * @param kept per position, whether its token vector is returned for late interaction; {@code null}: none are
 */
public record Sequence(long[] ids, boolean[] kept) {
}
