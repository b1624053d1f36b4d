package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    private static DecoderModel model;

    /** Decodes ids as letters, so that stop strings can be tested without a tokenizer file. */
    private static final BiFunction<int[], int[], String> LETTERS = (prompt, ids) -> Arrays.stream(ids)
            .mapToObj(id -> String.valueOf((char) ('a' + id % 26))).collect(Collectors.joining());

    private static final List<int[]> PROMPTS = List.of(
            new int[] {1, 4, 9, 16, 25, 3, 7},
            new int[] {1, 2},
            new int[] {1, 30, 11, 5},
            new int[] {1},
            new int[] {1, 8, 8, 8, 8, 8, 8, 8, 8, 12});

    @BeforeAll
    static void loadModel() {
        ModelConfig config = TinyModels.qwen2();
        model = DecoderModel.load(config, new InMemoryTensors(TinyModels.randomWeights(config, 21, 0.8)),
                Device.cpu(), DataType.FLOAT64);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void batchedGreedyMatchesOnePromptAtATime() {
        Generator generator = new Generator(model, Set.of(), null);
        GenerationOptions options = GenerationOptions.greedy(12);
        List<Completion> batched = generator.generate(PROMPTS, options.withBatchSize(5));
        for (int i = 0; i < PROMPTS.size(); i++) {
            Completion alone = generator.generate(List.of(PROMPTS.get(i)), options.withBatchSize(1)).get(0);
            assertArrayEquals(alone.tokenIds(), batched.get(i).tokenIds(), "prompt " + i);
            assertEquals(FinishReason.MAX_NEW_TOKENS, batched.get(i).finishReason());
        }
    }

    @Test
    void greedyMatchesArgmaxOfFullPasses() {
        // Reference without cache or batching: rerun the whole sequence and take the argmax.
        int[] prompt = PROMPTS.get(2);
        List<Integer> sequence = new ArrayList<>();
        Arrays.stream(prompt).forEach(sequence::add);
        int vocab = model.config().vocabSize();
        for (int step = 0; step < 8; step++) {
            try (NDManager scope = model.manager().newSubManager()) {
                long[] ids = sequence.stream().mapToLong(Integer::longValue).toArray();
                double[] logits = model.forward(scope.create(ids, new Shape(1, ids.length)), null, null, null)
                        .toDoubleArray();
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[(ids.length - 1) * vocab + v] > logits[(ids.length - 1) * vocab + best]) {
                        best = v;
                    }
                }
                sequence.add(best);
            }
        }
        int[] expected = sequence.subList(prompt.length, sequence.size()).stream().mapToInt(Integer::intValue).toArray();
        Completion completion = new Generator(model, Set.of(), null)
                .generate(List.of(prompt), GenerationOptions.greedy(8)).get(0);
        assertArrayEquals(expected, completion.tokenIds());
    }

    @Test
    void eosEndsOnlyItsOwnRow() {
        Generator free = new Generator(model, Set.of(), null);
        List<Completion> unconstrained = free.generate(PROMPTS, GenerationOptions.greedy(10));
        int eos = unconstrained.get(0).tokenIds()[3];

        List<Completion> stopped = new Generator(model, Set.of(eos), null).generate(PROMPTS, GenerationOptions.greedy(10));
        for (int i = 0; i < PROMPTS.size(); i++) {
            int[] full = unconstrained.get(i).tokenIds();
            int cut = 0;
            while (cut < full.length && full[cut] != eos) {
                cut++;
            }
            assertArrayEquals(Arrays.copyOf(full, cut), stopped.get(i).tokenIds(), "prompt " + i);
            assertEquals(cut < full.length ? FinishReason.EOS : FinishReason.MAX_NEW_TOKENS,
                    stopped.get(i).finishReason(), "prompt " + i);
        }
    }

    @Test
    void stopStringCutsText() {
        Generator generator = new Generator(model, Set.of(), LETTERS);
        Completion full = generator.generate(List.of(PROMPTS.get(0)), GenerationOptions.greedy(10)).get(0);
        String stop = full.text().substring(4, 6);
        int expectedCut = full.text().indexOf(stop);

        GenerationOptions options = new GenerationOptions(10, 0, 1, 0, List.of(stop), 4);
        Completion stopped = generator.generate(List.of(PROMPTS.get(0)), options).get(0);
        assertEquals(full.text().substring(0, expectedCut), stopped.text());
        assertEquals(FinishReason.STOP_STRING, stopped.finishReason());
        assertEquals(expectedCut + stop.length(), stopped.tokenIds().length, "one letter per token");
    }

    @Test
    void samplingIsSeededPerPrompt() {
        Generator generator = new Generator(model, Set.of(), null);
        GenerationOptions options = new GenerationOptions(16, 1.0, 0.95, 42, List.of(), 5);
        List<Completion> first = generator.generate(PROMPTS, options);
        List<Completion> again = generator.generate(PROMPTS, options.withBatchSize(2));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(first.get(i).tokenIds(), again.get(i).tokenIds(), "prompt " + i);
        }
        List<Completion> otherSeed = generator.generate(PROMPTS,
                new GenerationOptions(16, 1.0, 0.95, 43, List.of(), 5));
        assertNotEquals(Arrays.toString(first.get(0).tokenIds()), Arrays.toString(otherSeed.get(0).tokenIds()));

        // A tiny nucleus keeps only the most probable token: sampling becomes greedy.
        List<Completion> greedy = generator.generate(PROMPTS, GenerationOptions.greedy(16));
        List<Completion> nucleus = generator.generate(PROMPTS, new GenerationOptions(16, 1.0, 1e-9, 7, List.of(), 5));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(greedy.get(i).tokenIds(), nucleus.get(i).tokenIds(), "prompt " + i);
        }
    }

    @Test
    void idsPastTokenizerAreNeverGenerated() {
        int tokenCount = 12;
        for (GenerationOptions options : List.of(GenerationOptions.greedy(10),
                new GenerationOptions(10, 2.0, 1.0, 9, List.of(), 5))) {
            List<Completion> completions = new Generator(model, Set.of(), null, tokenCount).generate(PROMPTS, options);
            for (Completion completion : completions) {
                assertTrue(Arrays.stream(completion.tokenIds()).allMatch(id -> id < tokenCount),
                        Arrays.toString(completion.tokenIds()));
            }
        }
        List<Completion> unrestricted = new Generator(model, Set.of(), null).generate(PROMPTS, GenerationOptions.greedy(10));
        assertTrue(unrestricted.stream().flatMapToInt(c -> Arrays.stream(c.tokenIds())).anyMatch(id -> id >= tokenCount),
                "the restriction must change something for this test to mean anything");
    }

    @Test
    void generationLeavesNothingInModelManager() {
        // Arrays left in the model's manager live until the model closes: a leak per token.
        java.util.function.IntSupplier managedArrays =
                () -> ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size();
        Generator generator = new Generator(model, Set.of(), LETTERS);
        generator.generate(PROMPTS, GenerationOptions.greedy(2));
        int before = managedArrays.getAsInt();
        generator.generate(PROMPTS, GenerationOptions.greedy(12));
        generator.generate(PROMPTS, new GenerationOptions(12, 1.0, 0.9, 3, List.of("zz"), 2));
        model.weight(WeightNames.EMBED_TOKENS);
        assertEquals(before, managedArrays.getAsInt());
    }

    @Test
    void samplingFollowsTheDistribution() {
        // logits ln(p) for p = (0.5, 0.3, 0.15, 0.05); top-p 0.8 keeps the first two, renormalised.
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        int draws = 200_000;
        int[] counts = new int[4];
        int[] nucleusCounts = new int[4];
        for (int i = 0; i < draws; i++) {
            counts[Sampling.sample(logits, 0, 4, 1.0, 1.0, random)]++;
            nucleusCounts[Sampling.sample(logits, 0, 4, 1.0, 0.8, random)]++;
        }
        double[] expected = {0.5, 0.3, 0.15, 0.05};
        for (int v = 0; v < 4; v++) {
            assertEquals(expected[v], counts[v] / (double) draws, 0.005, "token " + v);
        }
        assertEquals(0.625, nucleusCounts[0] / (double) draws, 0.005);
        assertEquals(0.375, nucleusCounts[1] / (double) draws, 0.005);
        assertEquals(0, nucleusCounts[2] + nucleusCounts[3]);
        assertTrue(counts[3] > 0);
    }
}
