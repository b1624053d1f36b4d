package io.github.safetyspaces.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, updating weights in place:
 * {@code w -= lr * wd * w}, then {@code w -= lr / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t)) + eps)},
 * the formula of PyTorch's {@code torch.optim.AdamW}.
 *
 * <p>Written here rather than taken from DJL: DJL's optimizer builders clip gradients per element
 * rather than by global norm, and a hand-written update keeps every step visible and deterministic.
 * The moment arrays live in a sub-manager of the weights' manager, so a training step's scope can
 * close without freeing them. Every scalar is an NDArray (see {@code DecoderModel} on why).
 */
public final class AdamW implements AutoCloseable {

    private final Map<String, NDArray> weights;
    private final NDManager stateManager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private long step;

    /**
     * Creates the optimizer and its zero-initialised moments.
     *
     * @param weights the trained weights by name; their gradients must be enabled
     * @param parent manager of the weights
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param epsilon added to the root of the second moment
     * @param weightDecay decoupled weight decay
     */
    public AdamW(Map<String, NDArray> weights, NDManager parent, double beta1, double beta2, double epsilon,
            double weightDecay) {
        this.weights = weights;
        this.stateManager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        weights.forEach((name, weight) -> {
            firstMoments.put(name, stateManager.zeros(weight.getShape(), weight.getDataType()));
            secondMoments.put(name, stateManager.zeros(weight.getShape(), weight.getDataType()));
        });
    }

    /** Returns the number of updates done. */
    public long steps() {
        return step;
    }

    /**
     * Returns a view of the first moments (the running mean of the gradients) as float32 tensors
     * named like the weights, for the training state.
     *
     * @return the live view
     */
    public TensorSource firstMoments() {
        return NamedArrays.view(firstMoments);
    }

    /**
     * Returns a view of the second moments (the running mean of the squared gradients) as float32
     * tensors named like the weights, for the training state.
     *
     * @return the live view
     */
    public TensorSource secondMoments() {
        return NamedArrays.view(secondMoments);
    }

    /**
     * Sets the optimizer to where an earlier run left it: the moments, and the update count that
     * the bias corrections depend on.
     *
     * @param steps updates done before
     * @param first first moments by weight name, as {@link #firstMoments()} gave them
     * @param second second moments by weight name, as {@link #secondMoments()} gave them
     * @throws IllegalArgumentException if the names or shapes differ from the weights'
     */
    public void restore(long steps, TensorSource first, TensorSource second) {
        if (steps < 0) {
            throw new IllegalArgumentException("Cannot restore AdamW to a negative step count: " + steps);
        }
        NamedArrays.copyInto(firstMoments, first, "first moments");
        NamedArrays.copyInto(secondMoments, second, "second moments");
        step = steps;
    }

    /**
     * Applies one update from the weights' current gradients.
     *
     * @param learningRate the step's learning rate
     */
    public void update(double learningRate) {
        step++;
        double firstCorrection = 1 - Math.pow(beta1, step);
        double secondCorrection = 1 - Math.pow(beta2, step);
        try (NDManager scope = stateManager.newSubManager()) {
            DataType type = weights.values().iterator().next().getDataType();
            NDArray decayFirst = scalar(scope, type, beta1);
            NDArray keepFirst = scalar(scope, type, 1 - beta1);
            NDArray decaySecond = scalar(scope, type, beta2);
            NDArray keepSecond = scalar(scope, type, 1 - beta2);
            NDArray rootCorrection = scalar(scope, type, Math.sqrt(secondCorrection));
            NDArray eps = scalar(scope, type, epsilon);
            NDArray stepSize = scalar(scope, type, learningRate / firstCorrection);
            NDArray shrink = scalar(scope, type, 1 - learningRate * weightDecay);

            for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
                NDArray weight = entry.getValue();
                NDArray gradient = weight.getGradient();
                gradient.attach(scope);
                NDArray first = firstMoments.get(entry.getKey());
                NDArray second = secondMoments.get(entry.getKey());

                // Moments: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2.
                first.muli(decayFirst).addi(gradient.mul(keepFirst));
                second.muli(decaySecond).addi(gradient.mul(gradient).mul(keepSecond));

                // Decoupled decay, then the bias-corrected Adam step.
                if (weightDecay > 0) {
                    weight.muli(shrink);
                }
                NDArray denominator = second.sqrt().div(rootCorrection).add(eps);
                weight.subi(first.div(denominator).mul(stepSize));
            }
        }
    }

    private static NDArray scalar(NDManager scope, DataType type, double value) {
        return type == DataType.FLOAT64 ? scope.create(value) : scope.full(new Shape(), (float) value, type);
    }

    /** Frees the moments. */
    @Override
    public void close() {
        stateManager.close();
    }
}
