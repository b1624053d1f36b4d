package io.github.safetyspaces.benchmarks;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import io.github.safetyspaces.core.model.Generator;
import java.util.List;
import java.util.Set;
import java.util.Locale;

/**
 * The evaluation bar: 520 prompts, 64 new greedy tokens each, on stories260K, batched as the
 * evaluators batch them, timed against llama2.c's {@code run.c} taking them one at a time at the
 * stated single-stream reference of 4,000 tokens/s.
 *
 * <p>{@code run.c} feeds prompt tokens through the same forward pass as generated ones, so one
 * prompt costs (prompt tokens + generated tokens) forward passes; the bar is met when the batched
 * run takes less time than that total over 4,000 tokens/s. Arguments: batch size (default 64),
 * repetitions (default 3; the first one also warms up the JIT and is reported apart), prompt count
 * (default 520).
 */
public final class EvaluationBar {

    /** Prompts of the evaluation. */
    public static final int PROMPTS = 520;

    /** New tokens per prompt. */
    public static final int NEW_TOKENS = 64;

    /** llama2.c run.c on stories260K, single stream, on these 2-core machines (stated, not measured here). */
    public static final double REFERENCE_TOKENS_PER_SECOND = 4000;

    private EvaluationBar() {
    }

    /**
     * Runs the evaluation and prints one line per repetition.
     *
     * @param args batch size, repetitions and prompt count, all optional
     */
    public static void main(String[] args) {
        Engines.forceOffline();
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int promptCount = args.length > 2 ? Integer.parseInt(args[2]) : PROMPTS;
        try (LanguageModel model = BenchmarkModels.stories260K()) {
            Generator generator = new Generator(model.decoder(), Set.copyOf(model.config().eosTokenIds()), null);
            List<int[]> prompts = BenchmarkModels.randomPrompts(promptCount, 8, 24, model.config().bosTokenId(),
                    model.config().vocabSize(), 13);
            long promptTokens = prompts.stream().mapToLong(prompt -> prompt.length).sum();
            GenerationOptions options = GenerationOptions.greedy(NEW_TOKENS).withBatchSize(batchSize);

            for (int repetition = 0; repetition < repetitions; repetition++) {
                long started = System.nanoTime();
                List<Completion> completions = generator.generate(prompts, options);
                double seconds = (System.nanoTime() - started) / 1e9;
                long generated = completions.stream().mapToLong(c -> c.tokenIds().length).sum();

                // run.c one prompt at a time: every prompt and generated token is one forward pass.
                double referenceSeconds = (promptTokens + generated) / REFERENCE_TOKENS_PER_SECOND;
                System.out.printf(Locale.ROOT, "evaluation-bar repetition=%d%s batch=%d prompts=%d prompt_tokens=%d"
                        + " generated_tokens=%d seconds=%.3f generated_tokens_per_s=%.0f run_c_seconds=%.3f"
                        + " speedup=%.2f bar=%s%n", repetition, repetition == 0 ? "(warm-up)" : "", batchSize,
                        promptCount, promptTokens, generated, seconds, generated / seconds, referenceSeconds,
                        referenceSeconds / seconds, seconds < referenceSeconds ? "met" : "missed");
            }
        }
    }
}
