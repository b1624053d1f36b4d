package io.github.safetyspaces.core.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the permutation against independent implementations of both RoPE conventions: the interleaved
 * one of llama2.c's {@code run.c} and the rotate-half one of Hugging Face's {@code modeling_llama.py}.
 */
class RotaryPermutationTest {

    private static final double THETA = 10_000.0;

    // Grouped-query attention as in stories260K: two query heads share each key head.
    private static final int HEADS = 8;
    private static final int KV_HEADS = 4;
    private static final int HEAD_SIZE = 8;
    private static final int IN_FEATURES = 24;

    @Test
    void permuteMovesEvenRowsFirstWithinEachHead() {
        // Two heads of size 4. Row r contains the value r in both columns.
        FloatTensor labelled = rowLabelledTensor(8, 2);

        FloatTensor permuted = RotaryPermutation.permuteForRotateHalf(labelled, 2);

        float[] expectedRowOrder = {0, 2, 1, 3, 4, 6, 5, 7};
        for (int row = 0; row < 8; row++) {
            assertEquals(expectedRowOrder[row], permuted.data()[row * 2], "row " + row + ", column 0");
            assertEquals(expectedRowOrder[row], permuted.data()[row * 2 + 1], "row " + row + ", column 1");
        }
        assertArrayEquals(new long[] {8, 2}, permuted.shape());
    }

    @Test
    void permuteReordersBiasVector() {
        FloatTensor bias = new FloatTensor(new long[] {6}, new float[] {0, 1, 2, 3, 4, 5});

        FloatTensor permuted = RotaryPermutation.permuteForRotateHalf(bias, 1);

        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, permuted.data());
    }

    @Test
    void inverseRestoresOriginal() {
        Random random = new Random(11);
        FloatTensor weight = randomTensor(random, HEADS * HEAD_SIZE, IN_FEATURES);

        FloatTensor permuted = RotaryPermutation.permuteForRotateHalf(weight, HEADS);
        FloatTensor back = RotaryPermutation.permuteForInterleaved(permuted, HEADS);
        FloatTensor backOtherWay = RotaryPermutation.permuteForRotateHalf(
                RotaryPermutation.permuteForInterleaved(weight, HEADS), HEADS);

        assertNotEquals(weight, permuted, "the permutation must move rows");
        assertEquals(weight, back);
        assertEquals(weight, backOtherWay);
    }

    @Test
    void rotatedQueriesMatchAcrossConventions() {
        Random random = new Random(7);
        FloatTensor wq = randomTensor(random, HEADS * HEAD_SIZE, IN_FEATURES);
        double[] x = randomVector(random, IN_FEATURES);
        FloatTensor wqRotateHalf = RotaryPermutation.permuteForRotateHalf(wq, HEADS);

        for (int position : new int[] {0, 1, 5, 37, 511}) {
            double[] interleaved = ropeInterleaved(multiply(wq, x), HEAD_SIZE, position);
            double[] rotateHalf = ropeRotateHalf(multiply(wqRotateHalf, x), HEAD_SIZE, position);

            double[] rotateHalfAsInterleaved = rotateHalfVectorToInterleaved(rotateHalf, HEAD_SIZE);
            assertArrayEquals(interleaved, rotateHalfAsInterleaved, 1e-9, "position " + position);
        }
    }

    @Test
    void attentionScoresMatchAcrossConventions() {
        Random random = new Random(42);
        FloatTensor wq = randomTensor(random, HEADS * HEAD_SIZE, IN_FEATURES);
        FloatTensor wk = randomTensor(random, KV_HEADS * HEAD_SIZE, IN_FEATURES);
        double[] queryInput = randomVector(random, IN_FEATURES);
        double[] keyInput = randomVector(random, IN_FEATURES);
        FloatTensor wqRotateHalf = RotaryPermutation.permuteForRotateHalf(wq, HEADS);
        FloatTensor wkRotateHalf = RotaryPermutation.permuteForRotateHalf(wk, KV_HEADS);

        int[][] positionPairs = {{0, 0}, {3, 0}, {9, 4}, {100, 99}, {511, 17}};
        double largestUnpermutedDifference = 0;
        for (int[] pair : positionPairs) {
            int queryPosition = pair[0];
            int keyPosition = pair[1];
            double[] qInterleaved = ropeInterleaved(multiply(wq, queryInput), HEAD_SIZE, queryPosition);
            double[] kInterleaved = ropeInterleaved(multiply(wk, keyInput), HEAD_SIZE, keyPosition);
            double[] qRotateHalf = ropeRotateHalf(multiply(wqRotateHalf, queryInput), HEAD_SIZE, queryPosition);
            double[] kRotateHalf = ropeRotateHalf(multiply(wkRotateHalf, keyInput), HEAD_SIZE, keyPosition);
            // Rotate-half applied to weights that were not permuted, to show that the check can fail.
            double[] qUnpermuted = ropeRotateHalf(multiply(wq, queryInput), HEAD_SIZE, queryPosition);
            double[] kUnpermuted = ropeRotateHalf(multiply(wk, keyInput), HEAD_SIZE, keyPosition);

            for (int head = 0; head < HEADS; head++) {
                int kvHead = head / (HEADS / KV_HEADS);
                double expected = headDot(qInterleaved, head, kInterleaved, kvHead, HEAD_SIZE);
                double actual = headDot(qRotateHalf, head, kRotateHalf, kvHead, HEAD_SIZE);
                assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)),
                        "head " + head + ", positions " + queryPosition + " and " + keyPosition);

                double unpermuted = headDot(qUnpermuted, head, kUnpermuted, kvHead, HEAD_SIZE);
                largestUnpermutedDifference = Math.max(largestUnpermutedDifference, Math.abs(unpermuted - expected));
            }
        }
        assertTrue(largestUnpermutedDifference > 1e-3,
                "without the permutation the scores should differ, but the largest difference was "
                        + largestUnpermutedDifference);
    }

    @Test
    void oddHeadSizeIsRejected() {
        FloatTensor weight = rowLabelledTensor(6, 3);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RotaryPermutation.permuteForRotateHalf(weight, 2));

        assertTrue(error.getMessage().contains("6 rows"), error.getMessage());
        assertTrue(error.getMessage().contains("2 heads"), error.getMessage());
    }

    @Test
    void rowsNotDivisibleByHeadsAreRejected() {
        FloatTensor weight = rowLabelledTensor(8, 3);

        assertThrows(IllegalArgumentException.class, () -> RotaryPermutation.permuteForInterleaved(weight, 3));
    }

    @Test
    void rankThreeIsRejected() {
        FloatTensor weight = new FloatTensor(new long[] {2, 2, 2}, new float[8]);

        assertThrows(IllegalArgumentException.class, () -> RotaryPermutation.permuteForRotateHalf(weight, 1));
    }

    // ---- reference implementations, written from the two conventions and not from the code under test

    /** Applies RoPE as llama2.c's run.c does: pairs (i, i + 1) of each head rotate together. */
    private static double[] ropeInterleaved(double[] vector, int headSize, int position) {
        double[] out = vector.clone();
        for (int i = 0; i < vector.length; i += 2) {
            int headDim = i % headSize;
            double frequency = 1.0 / Math.pow(THETA, headDim / (double) headSize);
            double angle = position * frequency;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double v0 = vector[i];
            double v1 = vector[i + 1];
            out[i] = v0 * cos - v1 * sin;
            out[i + 1] = v0 * sin + v1 * cos;
        }
        return out;
    }

    /**
     * Applies RoPE as Hugging Face Llama does: per head, x * cos + rotate_half(x) * sin, where cos and
     * sin are taken of position * theta^(-2j / headSize) for j below headSize / 2, each repeated twice,
     * and rotate_half(x) = concat(-x[half:], x[:half]).
     */
    private static double[] ropeRotateHalf(double[] vector, int headSize, int position) {
        int half = headSize / 2;
        double[] cos = new double[headSize];
        double[] sin = new double[headSize];
        for (int j = 0; j < half; j++) {
            double inverseFrequency = 1.0 / Math.pow(THETA, (2.0 * j) / headSize);
            double angle = position * inverseFrequency;
            cos[j] = Math.cos(angle);
            cos[j + half] = cos[j];
            sin[j] = Math.sin(angle);
            sin[j + half] = sin[j];
        }
        double[] out = new double[vector.length];
        for (int start = 0; start < vector.length; start += headSize) {
            double[] rotated = new double[headSize];
            for (int j = 0; j < half; j++) {
                rotated[j] = -vector[start + half + j];
                rotated[half + j] = vector[start + j];
            }
            for (int d = 0; d < headSize; d++) {
                out[start + d] = vector[start + d] * cos[d] + rotated[d] * sin[d];
            }
        }
        return out;
    }

    /** Reorders a vector in rotate-half layout so that entry j of each half lands at 2j and 2j + 1. */
    private static double[] rotateHalfVectorToInterleaved(double[] vector, int headSize) {
        int half = headSize / 2;
        double[] out = new double[vector.length];
        for (int start = 0; start < vector.length; start += headSize) {
            for (int j = 0; j < half; j++) {
                out[start + 2 * j] = vector[start + j];
                out[start + 2 * j + 1] = vector[start + half + j];
            }
        }
        return out;
    }

    private static double headDot(double[] q, int qHead, double[] k, int kHead, int headSize) {
        double sum = 0;
        for (int d = 0; d < headSize; d++) {
            sum += q[qHead * headSize + d] * k[kHead * headSize + d];
        }
        return sum;
    }

    /** Computes W x for W of shape (out, in) in row-major order, as nn.Linear does. */
    private static double[] multiply(FloatTensor weight, double[] x) {
        int rows = (int) weight.shape()[0];
        int columns = (int) weight.shape()[1];
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                sum += weight.data()[r * columns + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static FloatTensor randomTensor(Random random, int rows, int columns) {
        float[] data = new float[rows * columns];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new FloatTensor(new long[] {rows, columns}, data);
    }

    private static double[] randomVector(Random random, int length) {
        double[] vector = new double[length];
        for (int i = 0; i < length; i++) {
            vector[i] = random.nextGaussian();
        }
        return vector;
    }

    private static FloatTensor rowLabelledTensor(int rows, int columns) {
        float[] data = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                data[r * columns + c] = r;
            }
        }
        return new FloatTensor(new long[] {rows, columns}, data);
    }
}
