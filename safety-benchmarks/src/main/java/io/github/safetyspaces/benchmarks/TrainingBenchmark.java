package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.data.SftBatch;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.DecoderModel;
import io.github.safetyspaces.core.training.LearningRateSchedule;
import io.github.safetyspaces.core.training.SftTrainer;
import io.github.safetyspaces.core.training.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training throughput of the project's {@link SftTrainer} (forward, backward, global-norm clipping,
 * AdamW) in tokens per second. One operation is one trained token, so JMH's ops/s is tokens/s.
 * Model FLOP utilisation is {@code 6 x parameters x tokens/s} over the peak of
 * {@link MatmulPeakBenchmark}; docs/benchmarks.md does the division.
 *
 * <p>Each invocation is one {@code train} call of {@link #STEPS} optimizer steps on fixed random
 * batches of {@link #BATCH} sequences of {@link #LENGTH} tokens, all positions in the loss. A call
 * also creates the AdamW moments, a cost spread over its steps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m"})
public class TrainingBenchmark {

    /** Sequences per micro-batch. */
    public static final int BATCH = 8;

    /** Tokens per sequence. */
    public static final int LENGTH = 256;

    /** Optimizer steps per invocation. */
    public static final int STEPS = 4;

    private static final int TOKENS_PER_INVOCATION = STEPS * BATCH * LENGTH;

    private LanguageModel stories;
    private DecoderModel synthetic;
    private List<SftBatch> storiesBatches;
    private List<SftBatch> syntheticBatches;

    /** Loads stories260K, builds the 20M model and the batches. */
    @Setup(Level.Trial)
    public void setUp() {
        Engines.forceOffline();
        stories = BenchmarkModels.stories260K();
        synthetic = BenchmarkModels.randomModel(BenchmarkModels.llama20M(), 7);
        storiesBatches = batches(stories.config().vocabSize());
        syntheticBatches = batches(synthetic.config().vocabSize());
    }

    private static List<SftBatch> batches(int vocab) {
        List<SftBatch> batches = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            batches.add(BenchmarkModels.randomBatch(BATCH, LENGTH, vocab, 100 + i));
        }
        return batches;
    }

    /**
     * Trains stories260K (260K parameters) for {@link #STEPS} steps.
     *
     * @return the last loss, so the work cannot be skipped
     */
    @Benchmark
    @OperationsPerInvocation(TOKENS_PER_INVOCATION)
    public double stories260K() {
        return train(stories.decoder(), storiesBatches);
    }

    /**
     * Trains the synthetic 20.7M-parameter Llama for {@link #STEPS} steps.
     *
     * @return the last loss
     */
    @Benchmark
    @OperationsPerInvocation(TOKENS_PER_INVOCATION)
    public double llama20M() {
        return train(synthetic, syntheticBatches);
    }

    private static double train(DecoderModel model, List<SftBatch> batches) {
        // A tiny learning rate keeps the weights, and so the work per step, the same across calls.
        TrainingConfig config = new TrainingConfig(1e-6, 0, LearningRateSchedule.COSINE, 0, 0.9, 0.999, 1e-8, 0,
                BATCH, 1, 1, STEPS, 1.0, 42, 1000, 0);
        var logs = new SftTrainer(model, config).train(epoch -> batches, null);
        return logs.get(logs.size() - 1).loss();
    }

    /** Frees both models. */
    @TearDown(Level.Trial)
    public void tearDown() {
        stories.close();
        synthetic.close();
    }
}
