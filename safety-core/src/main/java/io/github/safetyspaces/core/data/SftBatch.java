package io.github.safetyspaces.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch of fine-tuning sequences as flat row-major arrays of shape (B, T), ready for
 * {@code NDManager.create(array, new Shape(B, T))}. B is the number of sequences and T the length of
 * the longest. Shorter sequences are padded on the right.
 *
 * <p>Position {@code t} of a sequence of length L with response start S predicts token
 * {@code t + 1}. Its loss weight is 1 when {@code S <= t + 1 < L}, so that only positions predicting a
 * response token or the EOS count, and 0 elsewhere, padding included.
 *
 * <p>The arrays are shared with the caller, not copied, because batches are built once per step and
 * handed straight to the engine. Do not modify them.
 *
 * @param inputIds (B, T) token ids, padded with the pad id
 * @param attentionMask (B, T) 1 for real tokens, 0 for padding
 * @param targets (B, T) the next token's id, or the pad id where there is no next token
 * @param lossWeights (B, T) 1 where the position predicts a response token or EOS, else 0
 * @param batchSize B, at least 1
 * @param length T, at least 1
 * @param predictedTokens the number of positions with loss weight 1, the loss's denominator for a mean
 *     over tokens
 */
public record SftBatch(long[] inputIds, long[] attentionMask, long[] targets, float[] lossWeights, int batchSize,
        int length, int predictedTokens) {

    /** Checks that every array has B * T elements. */
    public SftBatch {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(lossWeights, "lossWeights");
        if (batchSize < 1 || length < 1) {
            throw new IllegalArgumentException("A batch needs at least one sequence of at least one token, got B="
                    + batchSize + ", T=" + length + ".");
        }
        long elements = (long) batchSize * length;
        if (inputIds.length != elements || attentionMask.length != elements || targets.length != elements
                || lossWeights.length != elements) {
            throw new IllegalArgumentException("Every batch array needs B*T = " + batchSize + "*" + length + " = "
                    + elements + " elements, got inputIds " + inputIds.length + ", attentionMask "
                    + attentionMask.length + ", targets " + targets.length + ", lossWeights " + lossWeights.length
                    + ".");
        }
        if (predictedTokens < 0 || predictedTokens > elements) {
            throw new IllegalArgumentException("The predicted token count " + predictedTokens + " must be in [0, "
                    + elements + "].");
        }
    }

    /**
     * Builds a batch from examples, padding them on the right to the longest.
     *
     * @param examples the examples, at least one
     * @param padId the id placed in padding positions of {@code inputIds} and {@code targets}. It must be
     *     a valid token id (EOS, for example) because padding still goes through the embedding, whose
     *     output the attention mask and loss weights then ignore.
     * @return the batch
     * @throws IllegalArgumentException if there are no examples or the pad id is negative
     */
    public static SftBatch of(List<SftExample> examples, int padId) {
        Objects.requireNonNull(examples, "examples");
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one example.");
        }
        if (padId < 0) {
            throw new IllegalArgumentException("The pad id must be a valid token id, got " + padId + ".");
        }
        int batchSize = examples.size();
        int length = 0;
        for (SftExample example : examples) {
            length = Math.max(length, example.length());
        }

        int elements = Math.multiplyExact(batchSize, length);
        long[] inputIds = new long[elements];
        long[] attentionMask = new long[elements];
        long[] targets = new long[elements];
        float[] lossWeights = new float[elements];
        Arrays.fill(inputIds, padId);
        Arrays.fill(targets, padId);
        int predicted = 0;
        for (int b = 0; b < batchSize; b++) {
            SftExample example = examples.get(b);
            int sequenceLength = example.length();
            int row = b * length;
            for (int t = 0; t < sequenceLength; t++) {
                inputIds[row + t] = example.idAt(t);
                attentionMask[row + t] = 1;
                if (t + 1 < sequenceLength) {
                    targets[row + t] = example.idAt(t + 1);
                    if (t + 1 >= example.responseStart()) {
                        lossWeights[row + t] = 1;
                        predicted++;
                    }
                }
            }
        }
        return new SftBatch(inputIds, attentionMask, targets, lossWeights, batchSize, length, predicted);
    }
}
