package io.github.safetyspaces.core.training;

import java.util.Locale;

/**
 * The shape of the learning rate over training: a linear warm-up from 0, then constant, linear
 * decay or cosine decay towards {@code minRatio} times the peak.
 *
 * <p>The rate for optimizer step {@code s} (counted from 0) follows Hugging Face transformers'
 * schedulers, which are stepped after each update: during warm-up it is {@code peak * s / warmup},
 * so the first update of a run with warm-up uses a rate of 0.
 */
public enum LearningRateSchedule {
    /** The peak rate after warm-up. */
    CONSTANT,
    /** Linear decay from the peak to {@code minRatio * peak} at the last step. */
    LINEAR,
    /** Half a cosine period from the peak to {@code minRatio * peak} at the last step. */
    COSINE;

    /**
     * Parses a schedule name, ignoring case.
     *
     * @param name {@code constant}, {@code linear} or {@code cosine}
     * @return the schedule
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static LearningRateSchedule parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Invalid learning-rate schedule '" + name
                    + "': use constant, linear or cosine.", e);
        }
    }

    /**
     * Computes the learning rate of one optimizer step.
     *
     * @param peak learning rate after warm-up
     * @param minRatio floor of the decay as a fraction of the peak, in [0, 1]
     * @param step optimizer step, from 0
     * @param warmupSteps number of warm-up steps
     * @param totalSteps number of optimizer steps of the run
     * @return the learning rate
     */
    public double rate(double peak, double minRatio, long step, long warmupSteps, long totalSteps) {
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (this == CONSTANT) {
            return peak;
        }
        double progress = totalSteps > warmupSteps ? (double) (step - warmupSteps) / (totalSteps - warmupSteps) : 1;
        double decay = this == LINEAR ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * decay);
    }
}
