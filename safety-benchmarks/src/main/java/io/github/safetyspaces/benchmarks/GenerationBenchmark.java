package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import io.github.safetyspaces.core.model.Generator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Greedy generation throughput of the project's {@link Generator} on stories260K, batch 1 and 64.
 * The secondary result {@code generatedTokens} is generated tokens per second (EOS ends a row early,
 * so it counts the tokens actually produced); the primary result is batches per second.
 *
 * <p>Prompts are BOS plus 7 to 23 random tokens of the 512-token vocabulary, 64 new tokens each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m"})
public class GenerationBenchmark {

    /** New tokens per prompt. */
    public static final int NEW_TOKENS = 64;

    /** Prompts decoded together. */
    @Param({"1", "64"})
    public int batch;

    private LanguageModel model;
    private Generator generator;
    private List<int[]> prompts;
    private GenerationOptions options;

    /** Counts the tokens generated in an iteration, which JMH reports per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        /** Generated tokens. */
        public long generatedTokens;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            generatedTokens = 0;
        }
    }

    /** Loads the model and draws one batch of prompts. */
    @Setup(Level.Trial)
    public void setUp() {
        Engines.forceOffline();
        model = BenchmarkModels.stories260K();
        generator = new Generator(model.decoder(), Set.copyOf(model.config().eosTokenIds()), null);
        prompts = BenchmarkModels.randomPrompts(batch, 8, 24, model.config().bosTokenId(),
                model.config().vocabSize(), 11);
        options = GenerationOptions.greedy(NEW_TOKENS).withBatchSize(batch);
    }

    /**
     * Generates one batch.
     *
     * @param tokens receives the number of generated tokens
     * @return the completions
     */
    @Benchmark
    public List<Completion> generate(Tokens tokens) {
        List<Completion> completions = generator.generate(prompts, options);
        for (Completion completion : completions) {
            tokens.generatedTokens += completion.tokenIds().length;
        }
        return completions;
    }

    /** Frees the model. */
    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }
}
