package io.github.safetyspaces.core.training;

/**
 * Record of one optimizer step, one row of {@code train-log.csv}. It holds no wall-clock time, so
 * the log of a resumed run is identical to that of an uninterrupted one.
 *
 * @param step optimizer step, from 1
 * @param epoch fractional epoch at the end of the step
 * @param loss mean cross-entropy per response token over the step's micro-batches
 * @param learningRate learning rate used for the update
 * @param gradientNorm global gradient norm before clipping
 * @param tokens response tokens (loss positions) of the step
 */
public record StepLog(long step, double epoch, double loss, double learningRate, double gradientNorm, long tokens) {
}
