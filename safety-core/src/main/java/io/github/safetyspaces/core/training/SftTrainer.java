package io.github.safetyspaces.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.safetyspaces.core.data.SftBatch;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.DecoderModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-parameter supervised fine-tuning of a {@link DecoderModel} with AdamW.
 *
 * <p>Each optimizer step zeroes the gradients, runs {@code gradientAccumulation} micro-batches
 * forward and backward, each in its own NDManager scope, clips the global gradient norm, and then
 * updates the weights in place after the step's scope is closed (the optimizer's moments live in a
 * manager of their own). The loss of every micro-batch is divided by the number of response tokens
 * of the whole step, so accumulated micro-batches give the gradient of one large batch, averaged
 * per token. On the CPU the same seed and data give bit-identical weights, also in separate
 * processes, as long as libtorch's thread count stays the same.
 *
 * <p>Every {@code stateEvery} steps the trainer can hand out a {@link TrainingState}, and a later
 * trainer can continue from it. A resumed run ends with the same weights, bit for bit, as one that
 * never stopped, because the state contains the exact weights and moments, and the data order and
 * learning rate are functions of the step.
 */
public final class SftTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SftTrainer.class);

    private final DecoderModel model;
    private final TrainingConfig config;

    /**
     * Creates a trainer for a model whose weights are float32 or float64.
     *
     * @param model the model, updated in place
     * @param config hyper-parameters
     */
    public SftTrainer(DecoderModel model, TrainingConfig config) {
        this.model = model;
        this.config = config;
    }

    /**
     * Returns the number of optimizer steps of a run.
     *
     * @param batchesPerEpoch micro-batches in one epoch
     * @return steps, from {@code maxSteps} or from the epochs
     */
    public long totalSteps(int batchesPerEpoch) {
        if (config.maxSteps() > 0) {
            return config.maxSteps();
        }
        return (long) stepsPerEpoch(batchesPerEpoch) * config.epochs();
    }

    private int stepsPerEpoch(int batchesPerEpoch) {
        return (batchesPerEpoch + config.gradientAccumulation() - 1) / config.gradientAccumulation();
    }

    /**
     * Trains the model from its current weights.
     *
     * @param batchesForEpoch the micro-batches of an epoch, in training order; called once per epoch
     *     with the epoch number from 0, and must return the same number of batches each time
     * @param listener receives the log of every step; may be null
     * @return the logs of all steps
     * @throws TrainingDivergedException when a loss or gradient norm is NaN or infinite
     */
    public List<StepLog> train(IntFunction<List<SftBatch>> batchesForEpoch, Consumer<StepLog> listener) {
        return train(batchesForEpoch, listener, null, null);
    }

    /**
     * Trains the model, optionally continuing from a saved state and saving states on the way.
     *
     * @param batchesForEpoch the micro-batches of an epoch, in training order; called once per epoch
     *     with the epoch number from 0, and must return the same number of batches each time
     * @param listener receives the log of every step trained here; may be null
     * @param resumeFrom a state of an earlier run of the same model, data and settings to continue
     *     from, or null to start at step 0
     * @param stateSink receives the state every {@code stateEvery} steps, except after the last step;
     *     its tensors are live views, valid only during the call; may be null
     * @return the logs of all steps, those of {@code resumeFrom} included
     * @throws TrainingDivergedException when a loss or gradient norm is NaN or infinite
     * @throws StateMismatchException when {@code resumeFrom} does not fit this run
     * @throws IllegalStateException when states are to be saved or read and a weight is not float32
     */
    public List<StepLog> train(IntFunction<List<SftBatch>> batchesForEpoch, Consumer<StepLog> listener,
            TrainingState resumeFrom, Consumer<TrainingState> stateSink) {
        Map<String, NDArray> weights = model.parameters();
        List<SftBatch> firstEpoch = batchesForEpoch.apply(0);
        if (firstEpoch.isEmpty()) {
            throw new IllegalArgumentException("No training batches: the data set is empty.");
        }
        long totalSteps = totalSteps(firstEpoch.size());
        int stepsPerEpoch = stepsPerEpoch(firstEpoch.size());
        long warmupSteps = (long) Math.ceil(config.warmupRatio() * totalSteps);
        LOG.info("Training {} parameters for {} steps ({} micro-batches of {} per epoch, {} per step, {} warm-up steps)",
                model.config().parameterCount(), totalSteps, firstEpoch.size(), config.batchSize(),
                config.gradientAccumulation(), warmupSteps);

        // States hold float32 arrays: fail now rather than at the first save, maybe hours from here.
        if (resumeFrom != null || (stateSink != null && config.stateEvery() > 0)) {
            weights.forEach(NamedArrays::requireFloat32);
        }

        // Where to start: step 0, or the step of the saved state with its weights.
        List<StepLog> logs = new ArrayList<>();
        long startStep = 0;
        if (resumeFrom != null) {
            checkResumable(resumeFrom, totalSteps, stepsPerEpoch);
            NamedArrays.copyInto(weights, resumeFrom.weights(), "weights");
            logs.addAll(resumeFrom.logs());
            startStep = resumeFrom.step();
        }
        int startEpoch = (int) (startStep / stepsPerEpoch);
        int startBatch = (int) (startStep % stepsPerEpoch) * config.gradientAccumulation();

        weights.values().forEach(weight -> weight.setRequiresGradient(true));
        long started = System.nanoTime();
        long tokensSeen = 0;
        double lastFiniteLoss = logs.isEmpty() ? Double.NaN : logs.get(logs.size() - 1).loss();
        try (AdamW optimizer = new AdamW(weights, model.manager(), config.beta1(), config.beta2(), config.epsilon(),
                config.weightDecay())) {
            if (resumeFrom != null) {
                optimizer.restore(startStep, resumeFrom.firstMoments(), resumeFrom.secondMoments());
            }
            long step = startStep;
            for (int epoch = startEpoch; step < totalSteps; epoch++) {
                List<SftBatch> batches = epoch == 0 ? firstEpoch : batchesForEpoch.apply(epoch);
                int firstOfEpoch = epoch == startEpoch ? startBatch : 0;
                for (int first = firstOfEpoch; first < batches.size() && step < totalSteps;
                        first += config.gradientAccumulation()) {
                    List<SftBatch> micro = batches.subList(first,
                            Math.min(batches.size(), first + config.gradientAccumulation()));
                    double learningRate = config.schedule().rate(config.learningRate(), config.minLearningRateRatio(),
                            step, warmupSteps, totalSteps);
                    step++;

                    // Forward and backward over the step's micro-batches.
                    long tokens = micro.stream().mapToLong(SftBatch::predictedTokens).sum();
                    double loss = 0;
                    double gradientNorm;
                    try (NDManager scope = model.manager().newSubManager()) {
                        Gradients.zero(weights, scope);
                        for (SftBatch batch : micro) {
                            loss += backward(batch, tokens, scope);
                        }
                        gradientNorm = Gradients.globalNorm(weights, scope);
                        if (!Double.isFinite(loss) || !Double.isFinite(gradientNorm)) {
                            throw new TrainingDivergedException(step, String.format(
                                    "Training diverged at step %d of %d: loss %s, gradient norm %s (last finite loss %s)."
                                    + " Lower the learning rate (now %g) or set a gradient-norm limit (maxGradNorm).",
                                    step, totalSteps, loss, gradientNorm, lastFiniteLoss, config.learningRate()));
                        }
                        if (config.maxGradNorm() > 0) {
                            Gradients.clip(weights, gradientNorm, config.maxGradNorm(), scope);
                        }
                    }

                    // Update once the step's temporaries are freed.
                    optimizer.update(learningRate);
                    lastFiniteLoss = loss;
                    tokensSeen += tokens;

                    double epochProgress = epoch + (double) (first + micro.size()) / batches.size();
                    StepLog log = new StepLog(step, epochProgress, loss, learningRate, gradientNorm, tokens);
                    logs.add(log);
                    if (listener != null) {
                        listener.accept(log);
                    }
                    if (step % config.logEvery() == 0 || step == totalSteps) {
                        double elapsed = (System.nanoTime() - started) / 1e9;
                        LOG.info(String.format("step %d/%d | epoch %.2f | loss %.5g | lr %.3e | grad norm %.3f"
                                + " | %.0f tokens/s | %s left", step, totalSteps, epochProgress, loss, learningRate,
                                gradientNorm, tokensSeen / elapsed,
                                duration(elapsed / (step - startStep) * (totalSteps - step))));
                    }

                    // Resumable state; none after the last step, where the checkpoint follows.
                    if (stateSink != null && config.stateEvery() > 0 && step % config.stateEvery() == 0
                            && step < totalSteps) {
                        boolean epochDone = first + micro.size() >= batches.size();
                        stateSink.accept(new TrainingState(step, totalSteps, config.seed(),
                                epochDone ? epoch + 1 : epoch, epochDone ? 0 : first + micro.size(), logs,
                                model.asTensorSource(), optimizer.firstMoments(), optimizer.secondMoments()));
                    }
                }
            }
        } finally {
            weights.values().forEach(weight -> weight.setRequiresGradient(false));
        }
        return logs;
    }

    /** Checks that a saved state belongs to a run of this length and batching. */
    private void checkResumable(TrainingState state, long totalSteps, int stepsPerEpoch) {
        if (state.totalSteps() != totalSteps || state.step() >= totalSteps) {
            throw new StateMismatchException("The training state at step " + state.step() + " of "
                    + state.totalSteps() + " does not fit this run of " + totalSteps + " steps");
        }
        int epoch = (int) (state.step() / stepsPerEpoch);
        int nextBatch = (int) (state.step() % stepsPerEpoch) * config.gradientAccumulation();
        if (state.seed() != config.seed() || state.epoch() != epoch || state.nextBatch() != nextBatch) {
            throw new StateMismatchException(String.format("The training state at step %d was saved at epoch %d,"
                    + " batch %d with data seed %d, but this run would be at epoch %d, batch %d with seed %d",
                    state.step(), state.epoch(), state.nextBatch(), state.seed(), epoch, nextBatch, config.seed()));
        }
    }

    /** Runs one micro-batch forward and backward; returns its share of the step's loss. */
    private double backward(SftBatch batch, long stepTokens, NDManager stepScope) {
        Shape shape = new Shape(batch.batchSize(), batch.length());
        try (NDManager scope = stepScope.newSubManager();
                GradientCollector collector = Engines.pytorch().newGradientCollector()) {
            NDArray inputIds = scope.create(batch.inputIds(), shape);
            NDArray mask = scope.create(batch.attentionMask(), shape);
            NDArray targets = scope.create(batch.targets(), shape);
            NDArray lossWeights = scope.create(batch.lossWeights(), shape);
            NDArray logits = model.forward(inputIds, mask, null, null); // (B, T, V)
            NDArray loss = SftLoss.crossEntropy(logits, targets, lossWeights, stepTokens);
            collector.backward(loss);
            return loss.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static String duration(double seconds) {
        long total = Math.round(seconds);
        return total >= 3600 ? String.format("%dh %02dm", total / 3600, total / 60 % 60)
                : String.format("%dm %02ds", total / 60, total % 60);
    }
}
