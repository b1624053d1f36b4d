package io.github.safetyspaces.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Causal and padding masks, and the positions of left-padded sequences.
 */
final class AttentionMasks {

    private AttentionMasks() {
    }

    /**
     * Numbers the real tokens of each row from 0, so a left-padded prompt gets the same positions
     * as the same prompt alone. Padding positions get 0; they are masked anyway.
     *
     * @param mask {@code (B, S)} with 1 for real tokens and 0 for padding
     * @return {@code (B, S)} int64 positions
     */
    static NDArray positionsFromMask(NDArray mask) {
        return mask.toType(DataType.INT64, false).cumSum(1).sub(1).maximum(0);
    }

    /**
     * Builds the additive attention mask: 0 where query {@code t} may read key {@code s} (the key
     * is not padding and not in the future), the lowest finite value of the type elsewhere.
     *
     * <p>The lowest finite value instead of minus infinity keeps a query that sees no key at all
     * (a padding query) finite: its softmax is uniform instead of NaN, and its output is ignored.
     *
     * @param keyMask {@code (B, S)} with 1 for real and 0 for padding positions
     * @param past number of cached positions before the new ones
     * @param length number of new (query) positions, {@code T}
     * @param dataType data type of the scores
     * @return {@code (B, 1, 1, T, S)}, broadcasting over key/value heads and their query groups
     */
    static NDArray additiveMask(NDArray keyMask, int past, long length, DataType dataType) {
        NDManager scope = keyMask.getManager();
        long batch = keyMask.getShape().get(0);
        long keys = keyMask.getShape().get(1);

        NDArray keyPositions = scope.arange(0L, keys, 1L, DataType.INT64); // (S)
        NDArray queryPositions = scope.arange((long) past, past + length, 1L, DataType.INT64)
                .reshape(length, 1); // (T, 1)
        NDArray causal = keyPositions.lte(queryPositions); // (T, S)
        NDArray notPadding = keyMask.gt(0).reshape(batch, 1, keys); // (B, 1, S)
        NDArray allowed = causal.expandDims(0).logicalAnd(notPadding); // (B, T, S)

        // (allowed - 1) * max is 0 where allowed and -max elsewhere; NDArrays.where does not broadcast.
        double max = dataType == DataType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
        NDArray one = DecoderModel.scalar(scope, dataType, 1.0);
        NDArray largest = DecoderModel.scalar(scope, dataType, max);
        return allowed.toType(dataType, false).sub(one).mul(largest).reshape(new Shape(batch, 1, 1, length, keys));
    }
}
