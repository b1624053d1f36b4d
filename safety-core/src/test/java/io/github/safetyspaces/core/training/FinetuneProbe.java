package io.github.safetyspaces.core.training;

import io.github.safetyspaces.core.embedded.EmbeddedRecipe;
import io.github.safetyspaces.core.engine.Engines;
import java.nio.file.Path;

/**
 * Entry point of the JVMs that {@link CrossProcessReproducibilityTest} and
 * {@link ResumeAfterKillTest} start: the first 30 steps of the embedded default's alignment,
 * written to a checkpoint directory.
 *
 * <p>Arguments: the base model, a directory of the embedded data sets, the output directory, and
 * optionally the steps between training states (0, none, when left out).
 */
public final class FinetuneProbe {

    /** Optimizer steps: enough for a thread-order difference in any gradient to reach the weights. */
    static final int STEPS = 30;

    private FinetuneProbe() {
    }

    public static void main(String[] args) {
        Engines.forceOffline();
        FinetuneRequest recipe = EmbeddedRecipe.alignment(Path.of(args[0]), null, Path.of(args[1]), Path.of(args[2]),
                1);
        int stateEvery = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        TrainingConfig full = recipe.training();
        TrainingConfig shortened = new TrainingConfig(full.learningRate(), full.minLearningRateRatio(), full.schedule(),
                full.warmupRatio(), full.beta1(), full.beta2(), full.epsilon(), full.weightDecay(), full.batchSize(),
                full.gradientAccumulation(), full.epochs(), STEPS, full.maxGradNorm(), full.seed(), STEPS, stateEvery);
        FinetuneJob.run(new FinetuneRequest(recipe.model(), recipe.tokenizer(), recipe.data(), recipe.template(),
                recipe.maxLength(), shortened, recipe.output(), recipe.dtype(), recipe.device(), true));
    }
}
