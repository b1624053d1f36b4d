package io.github.safetyspaces.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Operations on the gradients of all weights at once: zeroing, the global L2 norm, and clipping by
 * that norm. (DJL's optimizer option {@code optClipGrad} clips each element instead, which is not
 * what "gradient clipping" means in the fine-tuning literature.)
 */
final class Gradients {

    private Gradients() {
    }

    /**
     * Sets every gradient to zero. libtorch adds each backward pass to the stored gradient, so
     * without this, micro-batches of one optimizer step would leak into the next step.
     *
     * @param weights weights whose gradients are reset
     * @param scope manager for temporary wrappers
     */
    static void zero(Map<String, NDArray> weights, NDManager scope) {
        for (NDArray weight : weights.values()) {
            NDArray gradient = weight.getGradient();
            gradient.attach(scope);
            gradient.subi(gradient);
        }
    }

    /**
     * Computes the L2 norm of all gradients taken together, accumulated in double precision.
     *
     * @param weights the weights
     * @param scope manager for temporaries
     * @return the norm; NaN or infinite when a gradient is
     */
    static double globalNorm(Map<String, NDArray> weights, NDManager scope) {
        double sumOfSquares = 0;
        for (NDArray weight : weights.values()) {
            NDArray gradient = weight.getGradient();
            gradient.attach(scope);
            sumOfSquares += gradient.toType(DataType.FLOAT64, false).square().sum().getDouble();
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Scales all gradients by {@code maxNorm / norm} when their global norm exceeds {@code maxNorm},
     * as {@code torch.nn.utils.clip_grad_norm_} does.
     *
     * @param weights the weights
     * @param norm their current global gradient norm
     * @param maxNorm the threshold
     * @param scope manager for temporaries
     */
    static void clip(Map<String, NDArray> weights, double norm, double maxNorm, NDManager scope) {
        if (!(norm > maxNorm)) {
            return;
        }
        double factor = maxNorm / (norm + 1e-6);
        for (NDArray weight : weights.values()) {
            NDArray gradient = weight.getGradient();
            gradient.attach(scope);
            DataType type = gradient.getDataType();
            NDArray scale = type == DataType.FLOAT64 ? scope.create(factor) : scope.full(new Shape(), (float) factor, type);
            gradient.muli(scale);
        }
    }
}
