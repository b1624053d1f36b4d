package io.github.safetyspaces.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Token-level cross-entropy of a causal language model, weighted per position so that only
 * response tokens count.
 */
final class SftLoss {

    private SftLoss() {
    }

    /**
     * Computes {@code -sum(w[b,t] * log softmax(logits[b,t])[target[b,t]]) / normalizer}.
     *
     * @param logits {@code (B, T, V)}
     * @param targets {@code (B, T)} int64 next-token ids; any valid id where the weight is 0
     * @param weights {@code (B, T)} loss weights, 1 on response positions and 0 elsewhere
     * @param normalizer divisor, usually the number of weighted positions of the whole optimizer
     *     step, so that accumulated micro-batches average over tokens like one large batch
     * @return the scalar loss, in the logits' manager
     */
    static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray weights, double normalizer) {
        NDManager scope = logits.getManager();
        DataType type = logits.getDataType();
        NDArray logProbabilities = logits.logSoftmax(2); // (B, T, V)
        NDArray picked = logProbabilities.gather(targets.expandDims(2), 2).squeeze(2); // (B, T)
        NDArray divisor = type == DataType.FLOAT64 ? scope.create(-normalizer)
                : scope.full(new ai.djl.ndarray.types.Shape(), (float) -normalizer, type);
        return picked.mul(weights.toType(type, false)).sum().div(divisor);
    }
}
