package io.github.safetyspaces.core.llama2c;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.Arrays;

/**
 * Converts query and key projections between the two layouts of rotary position embeddings (RoPE).
 *
 * <p>llama2.c (like Meta's original Llama code) rotates interleaved pairs: within each head, dimensions
 * {@code 2i} and {@code 2i + 1} rotate together by the angle {@code p * theta^(-2i / headSize)}.
 * Hugging Face Llama uses rotate-half: dimensions {@code i} and {@code i + headSize / 2} rotate
 * together by the same angle. Reordering the output rows of each head so that new row {@code i} is old
 * row {@code 2i} and new row {@code i + headSize / 2} is old row {@code 2i + 1} turns one layout into
 * the other. Since the keys get the same reordering as the queries, every attention score q·k is
 * unchanged. Transformers' {@code convert_llama_weights_to_hf.py} applies the same permutation.
 *
 * <p>Values and the output projection need no permutation because RoPE does not touch them.
 */
public final class RotaryPermutation {

    private RotaryPermutation() {
    }

    /**
     * Reorders the rows of a query or key projection from llama2.c's interleaved layout to Hugging
     * Face's rotate-half layout.
     *
     * @param weight projection of shape (numHeads * headSize, inFeatures), or a bias of shape
     *     (numHeads * headSize)
     * @param numHeads number of heads in the output: attention heads for q, key and value heads for k
     * @return a new tensor of the same shape with the rows of each head reordered
     * @throws IllegalArgumentException if the rows do not split into heads of even size
     */
    public static FloatTensor permuteForRotateHalf(FloatTensor weight, int numHeads) {
        return permuteRows(weight, numHeads, true);
    }

    /**
     * Reorders the rows of a query or key projection from Hugging Face's rotate-half layout back to
     * llama2.c's interleaved layout. It is the inverse of {@link #permuteForRotateHalf}.
     *
     * @param weight projection of shape (numHeads * headSize, inFeatures), or a bias of shape
     *     (numHeads * headSize)
     * @param numHeads number of heads in the output: attention heads for q, key and value heads for k
     * @return a new tensor of the same shape with the rows of each head reordered
     * @throws IllegalArgumentException if the rows do not split into heads of even size
     */
    public static FloatTensor permuteForInterleaved(FloatTensor weight, int numHeads) {
        return permuteRows(weight, numHeads, false);
    }

    private static FloatTensor permuteRows(FloatTensor weight, int numHeads, boolean toRotateHalf) {
        long[] shape = weight.shape();
        if (shape.length != 1 && shape.length != 2) {
            throw new IllegalArgumentException("Expected a projection of rank 1 or 2 but got shape "
                    + Arrays.toString(shape) + ".");
        }
        if (numHeads <= 0) {
            throw new IllegalArgumentException("numHeads is " + numHeads + " but must be positive.");
        }
        long rows = shape[0];
        if (rows % numHeads != 0 || (rows / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("Projection with " + rows + " rows (shape " + Arrays.toString(shape)
                    + ") does not split into " + numHeads + " heads of even size; pass n_heads for q and"
                    + " n_kv_heads for k.");
        }
        int headSize = (int) (rows / numHeads);
        int half = headSize / 2;
        int columns = shape.length == 2 ? Math.toIntExact(shape[1]) : 1;

        float[] source = weight.data();
        float[] target = new float[source.length];
        for (int head = 0; head < numHeads; head++) {
            int headStart = head * headSize;
            for (int i = 0; i < half; i++) {
                // Row pair (2i, 2i + 1) of the interleaved layout is row pair (i, i + half) of rotate-half.
                int interleavedEven = headStart + 2 * i;
                int interleavedOdd = interleavedEven + 1;
                int rotateHalfFirst = headStart + i;
                int rotateHalfSecond = rotateHalfFirst + half;
                if (toRotateHalf) {
                    copyRow(source, interleavedEven, target, rotateHalfFirst, columns);
                    copyRow(source, interleavedOdd, target, rotateHalfSecond, columns);
                } else {
                    copyRow(source, rotateHalfFirst, target, interleavedEven, columns);
                    copyRow(source, rotateHalfSecond, target, interleavedOdd, columns);
                }
            }
        }
        return new FloatTensor(shape, target);
    }

    private static void copyRow(float[] source, int sourceRow, float[] target, int targetRow, int columns) {
        System.arraycopy(source, sourceRow * columns, target, targetRow * columns, columns);
    }
}
