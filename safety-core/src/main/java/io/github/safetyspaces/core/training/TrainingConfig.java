package io.github.safetyspaces.core.training;

import java.util.Objects;

/**
 * Hyper-parameters of supervised fine-tuning with AdamW.
 *
 * @param learningRate peak learning rate
 * @param minLearningRateRatio floor of the decay as a fraction of the peak, in [0, 1]
 * @param schedule shape of the learning rate after warm-up
 * @param warmupRatio fraction of the optimizer steps spent warming up, in [0, 1)
 * @param beta1 AdamW decay of the first moment, in [0, 1)
 * @param beta2 AdamW decay of the second moment, in [0, 1)
 * @param epsilon AdamW term added to the root of the second moment, positive
 * @param weightDecay decoupled weight decay, applied to every weight, at least 0
 * @param batchSize sequences per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param epochs passes over the data; ignored when {@code maxSteps} is positive
 * @param maxSteps optimizer steps to run, over as many epochs as needed; 0 to use {@code epochs}
 * @param maxGradNorm global gradient-norm clipping threshold; 0 turns clipping off
 * @param seed seed of the data order
 * @param logEvery steps between progress log lines
 * @param stateEvery steps between writes of the resumable training state; 0 writes none. It does
 *     not change the result, so like {@code logEvery} it is not part of a run's fingerprint
 */
public record TrainingConfig(
        double learningRate,
        double minLearningRateRatio,
        LearningRateSchedule schedule,
        double warmupRatio,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        int batchSize,
        int gradientAccumulation,
        int epochs,
        int maxSteps,
        double maxGradNorm,
        long seed,
        int logEvery,
        int stateEvery) {

    /** Checks every range; messages name the parameter. */
    public TrainingConfig {
        Objects.requireNonNull(schedule, "schedule");
        requireFinite("learningRate", learningRate, learningRate > 0);
        requireFinite("minLearningRateRatio", minLearningRateRatio, minLearningRateRatio >= 0 && minLearningRateRatio <= 1);
        requireFinite("warmupRatio", warmupRatio, warmupRatio >= 0 && warmupRatio < 1);
        requireFinite("beta1", beta1, beta1 >= 0 && beta1 < 1);
        requireFinite("beta2", beta2, beta2 >= 0 && beta2 < 1);
        requireFinite("epsilon", epsilon, epsilon > 0);
        requireFinite("weightDecay", weightDecay, weightDecay >= 0);
        requireFinite("maxGradNorm", maxGradNorm, maxGradNorm >= 0);
        requirePositive("batchSize", batchSize);
        requirePositive("gradientAccumulation", gradientAccumulation);
        requirePositive("logEvery", logEvery);
        if (stateEvery < 0) {
            throw new IllegalArgumentException("stateEvery must be 0 (no training state) or a positive number of"
                    + " steps, got " + stateEvery);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be 0 (use epochs) or positive, got " + maxSteps);
        }
        if (maxSteps == 0 && epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1 when maxSteps is 0, got " + epochs);
        }
    }

    /**
     * Returns defaults close to the study's fine-tunes: AdamW (0.9, 0.999, 1e-8) without weight
     * decay, cosine schedule with 2% warm-up, one epoch, batches of 8, clipping at 1.0, seed 42,
     * no training state.
     *
     * @param learningRate peak learning rate
     * @return the configuration
     */
    public static TrainingConfig defaults(double learningRate) {
        return new TrainingConfig(learningRate, 0, LearningRateSchedule.COSINE, 0.02, 0.9, 0.999, 1e-8, 0, 8, 1, 1, 0,
                1.0, 42, 10, 0);
    }

    /**
     * Returns this configuration with another interval between training-state writes.
     *
     * @param steps steps between writes; 0 writes none
     * @return the new configuration
     */
    public TrainingConfig withStateEvery(int steps) {
        return new TrainingConfig(learningRate, minLearningRateRatio, schedule, warmupRatio, beta1, beta2, epsilon,
                weightDecay, batchSize, gradientAccumulation, epochs, maxSteps, maxGradNorm, seed, logEvery, steps);
    }

    private static void requireFinite(String name, double value, boolean inRange) {
        if (!Double.isFinite(value) || !inRange) {
            throw new IllegalArgumentException("Invalid " + name + ": " + value);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
