package io.github.safetyspaces.core.model;

/**
 * The generated continuation of one prompt.
 *
 * @param tokenIds generated ids, without the prompt and without the end-of-sequence token; when a stop
 *     string ended generation, they include the tokens that completed it
 * @param text decoded completion, cut before a stop string when one ended it; null when the
 *     generator had no decoder
 * @param finishReason why generation ended
 */
public record Completion(int[] tokenIds, String text, FinishReason finishReason) {
}
