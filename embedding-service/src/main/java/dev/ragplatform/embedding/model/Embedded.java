package dev.ragplatform.embedding.model;

/**
 * What one forward pass gives for one input.
 *
 * @param vector the pooled vector (not normalised: callers decide)
 * @param tokens the L2-normalised vectors of the {@link Sequence#kept() kept} tokens in order, from the same
 * {@code last_hidden_state}; {@code null} when none were asked for
 */
public record Embedded(float[] vector, float[][] tokens) {
}
