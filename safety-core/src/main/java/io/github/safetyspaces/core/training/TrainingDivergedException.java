package io.github.safetyspaces.core.training;

/**
 * Thrown when the loss or the gradient norm of a step is NaN or infinite; training stops there.
 */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long step;

    /**
     * Creates the exception.
     *
     * @param step the optimizer step, from 1, whose loss was not finite
     * @param message what diverged, the last finite loss, and what to change
     */
    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** Returns the optimizer step at which training stopped. */
    public long step() {
        return step;
    }
}
