package io.github.safetyspaces.core.model;

import java.util.List;

/**
 * Settings of one generation run.
 *
 * @param maxNewTokens maximum number of tokens generated per prompt, at least 1
 * @param temperature 0 for greedy decoding; above 0 samples from {@code softmax(logits / temperature)}
 * @param topP nucleus sampling: sample from the smallest set of tokens whose probability reaches
 *     {@code topP}; 1 keeps every token. Ignored when greedy
 * @param seed seed of the sampler; prompt {@code i} of a run always uses the same random stream,
 *     whatever the batch it falls in
 * @param stopStrings generation of a prompt stops once its decoded completion contains one of these;
 *     the text is cut before it
 * @param batchSize prompts decoded together, at least 1
 */
public record GenerationOptions(
        int maxNewTokens, double temperature, double topP, long seed, List<String> stopStrings, int batchSize) {

    /** Checks the ranges. */
    public GenerationOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String stop : stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /**
     * Returns greedy settings with no stop strings and batches of 32 prompts.
     *
     * @param maxNewTokens maximum number of tokens generated per prompt
     * @return the options
     */
    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 1, 0, List.of(), 32);
    }

    /** Returns whether decoding is greedy. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * Returns a copy with another batch size.
     *
     * @param newBatchSize prompts decoded together
     * @return the options
     */
    public GenerationOptions withBatchSize(int newBatchSize) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, stopStrings, newBatchSize);
    }
}
