package io.github.safetyspaces.core.training;

import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run needs to continue after step {@code step} as if it had never stopped: the
 * weights, the AdamW moments, the step logs so far, and the data position.
 *
 * <p>The step also fixes the AdamW update count (one update per step) and the learning rate of the
 * next step. Training draws no random numbers apart from the data order, which is a pure function of
 * {@code seed} and the epoch number (see {@code SftBatches}); {@code epoch} and {@code nextBatch}
 * follow from the step and are recorded so that a reader of the state can see the data position.
 *
 * <p>The trainer hands out states whose tensors are live views of its arrays, valid only during the
 * call; a state read from disk keeps its files open, so close it when done.
 *
 * @param step optimizer steps done, at least 1
 * @param totalSteps optimizer steps of the whole run
 * @param seed seed of the data order
 * @param epoch epoch of the next step, from 0
 * @param nextBatch index in that epoch's batches of the next step's first micro-batch
 * @param logs the log of every step done, in order; {@code step} entries
 * @param weights the model weights after the step, float32
 * @param firstMoments AdamW first moments, named like the weights, float32
 * @param secondMoments AdamW second moments, named like the weights, float32
 */
public record TrainingState(long step, long totalSteps, long seed, int epoch, int nextBatch, List<StepLog> logs,
        TensorSource weights, TensorSource firstMoments, TensorSource secondMoments) implements AutoCloseable {

    /** Checks the counts and copies the logs. */
    public TrainingState {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(firstMoments, "firstMoments");
        Objects.requireNonNull(secondMoments, "secondMoments");
        logs = List.copyOf(logs);
        if (step < 1 || step > totalSteps) {
            throw new IllegalArgumentException("A training state's step must be in [1, " + totalSteps + "], got "
                    + step);
        }
        if (logs.size() != step) {
            throw new IllegalArgumentException("A training state at step " + step + " needs " + step
                    + " step logs, got " + logs.size());
        }
    }

    /** Closes the tensor sources. */
    @Override
    public void close() {
        try (TensorSource first = firstMoments; TensorSource second = secondMoments; TensorSource own = weights) {
            // Closing is all that is needed; try-with-resources closes each even if another fails.
        }
    }
}
