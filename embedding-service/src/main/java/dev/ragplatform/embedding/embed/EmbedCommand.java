package dev.ragplatform.embedding.embed;

import java.util.List;

import dev.ragplatform.runtime.lateinteraction.TokenEncoding;

/**
 * One embedding request, whatever API it came through.
 *
 * @param model the model's name; {@code null} for the default model
 * @param inputs the texts
 * @param task a task of the model's instruction table (e.g. {@code qa}); {@code null} for the model's native one
 * @param inputType {@code query} or {@code document}; {@code null} means document
 * @param instruction a free-form instruction instead of a task's
 * @param dimensions keep only the first so many components (Matryoshka), {@code null} for all
 * @param truncate cut over-long inputs (else 413)
 * @param normalize L2-normalise (when the model's vectors are meant to be normalised)
 * @param tokenVectors also each input's token vectors for late interaction, in this encoding; {@code null}: not
 */
record EmbedCommand(String model, List<String> inputs, String task, String inputType, String instruction,
		Integer dimensions, boolean truncate, boolean normalize, TokenEncoding tokenVectors) {
}
