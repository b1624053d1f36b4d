package io.github.safetyspaces.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched autoregressive generation with a key/value cache.
 *
 * <p>Prompts of a batch are left-padded to a common length, so that every row's next token comes
 * from the last column; the attention mask hides the padding and positions count real tokens only,
 * which makes a prompt's completion independent of the batch it is in (up to floating-point
 * rounding). Prompts are sorted by length before batching to keep padding small; results come back
 * in the order of the input.
 */
public final class Generator {

    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);

    /** Id fed in padding positions and after a row has finished; masked, so any valid id does. */
    private static final long PAD_ID = 0;

    private final DecoderModel model;
    private final Set<Integer> eosIds;
    private final BiFunction<int[], int[], String> decoder;
    private final int tokenCount;

    /**
     * Creates a generator.
     *
     * @param model the decoder
     * @param eosIds ids that end a completion; usually {@link ModelConfig#eosTokenIds()}
     * @param decoder turns a prompt's ids and the ids generated after it into the text of the
     *     completion alone; required for stop strings and for {@link Completion#text()}, may be null otherwise
     */
    public Generator(DecoderModel model, Set<Integer> eosIds, BiFunction<int[], int[], String> decoder) {
        this(model, eosIds, decoder, model.config().vocabSize());
    }

    /**
     * Creates a generator that never produces ids at or past {@code tokenCount}.
     *
     * @param model the decoder
     * @param eosIds ids that end a completion
     * @param decoder as for {@link #Generator(DecoderModel, Set, BiFunction)}
     * @param tokenCount the tokenizer's vocabulary size, at most the model's
     */
    public Generator(DecoderModel model, Set<Integer> eosIds, BiFunction<int[], int[], String> decoder,
            int tokenCount) {
        if (tokenCount < 1 || tokenCount > model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenCount " + tokenCount + " must be in [1, "
                    + model.config().vocabSize() + "], the model's vocabulary size.");
        }
        this.model = model;
        this.eosIds = Set.copyOf(eosIds);
        this.decoder = decoder;
        this.tokenCount = tokenCount;
    }

    /**
     * Generates a completion for each prompt.
     *
     * @param prompts token ids of each prompt, BOS included when the model expects it; none may be empty
     * @param options decoding settings
     * @return one completion per prompt, in input order
     */
    public List<Completion> generate(List<int[]> prompts, GenerationOptions options) {
        if (!options.stopStrings().isEmpty() && decoder == null) {
            throw new IllegalArgumentException("Stop strings " + options.stopStrings() + " need a tokenizer to decode the output.");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("Prompt " + i + " has no tokens; start it with BOS.");
            }
        }

        // Longest prompts first, so each batch holds prompts of similar length.
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> prompts.get(i).length).reversed());

        Completion[] results = new Completion[prompts.size()];
        long started = System.nanoTime();
        long generatedTokens = 0;
        for (int from = 0; from < order.length; from += options.batchSize()) {
            int[] batch = Arrays.stream(order, from, Math.min(order.length, from + options.batchSize()))
                    .mapToInt(Integer::intValue).toArray();
            Completion[] completions = generateBatch(batch, prompts, options);
            for (int row = 0; row < batch.length; row++) {
                results[batch[row]] = completions[row];
                generatedTokens += completions[row].tokenIds().length;
            }
            if (order.length > options.batchSize()) {
                double seconds = (System.nanoTime() - started) / 1e9;
                int done = from + batch.length;
                LOG.info("Generated {}/{} prompts, {} tokens/s, about {} s left", done, order.length,
                        Math.round(generatedTokens / seconds), Math.round(seconds / done * (order.length - done)));
            }
        }
        return List.of(results);
    }

    private Completion[] generateBatch(int[] promptIndices, List<int[]> prompts, GenerationOptions options) {
        int batch = promptIndices.length;
        int promptLength = prompts.get(promptIndices[0]).length;
        for (int index : promptIndices) {
            promptLength = Math.max(promptLength, prompts.get(index).length);
        }
        int maxLength = promptLength + options.maxNewTokens();

        // Left-padded prompt ids and a mask sized for the whole run.
        long[] ids = new long[batch * promptLength];
        long[][] mask = new long[batch][maxLength];
        long[] nextPosition = new long[batch];
        for (int row = 0; row < batch; row++) {
            int[] prompt = prompts.get(promptIndices[row]);
            int offset = promptLength - prompt.length;
            Arrays.fill(ids, row * promptLength, row * promptLength + offset, PAD_ID);
            for (int t = 0; t < prompt.length; t++) {
                ids[row * promptLength + offset + t] = prompt[t];
                mask[row][offset + t] = 1;
            }
            nextPosition[row] = prompt.length;
        }

        SplittableRandom[] randoms = new SplittableRandom[batch];
        for (int row = 0; row < batch; row++) {
            randoms[row] = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + promptIndices[row]);
        }
        List<List<Integer>> generated = new ArrayList<>();
        FinishReason[] finished = new FinishReason[batch];
        for (int row = 0; row < batch; row++) {
            generated.add(new ArrayList<>());
        }

        try (NDManager scope = model.manager().newSubManager();
                KvCache cache = new KvCache(scope, model.config().numLayers())) {
            long[] input = ids;
            int inputLength = promptLength;
            int seen = 0;
            for (int step = 0; step < options.maxNewTokens(); step++) {
                long[] next;
                try (NDManager stepScope = scope.newSubManager()) {
                    // One forward pass: the whole prompt first, then one token per row.
                    NDArray inputIds = stepScope.create(input, new Shape(batch, inputLength));
                    seen += inputLength;
                    NDArray maskArray = stepScope.create(flatten(mask, seen), new Shape(batch, seen));
                    NDArray positions = null;
                    if (step > 0) {
                        positions = stepScope.create(nextPosition.clone(), new Shape(batch, 1));
                        for (int row = 0; row < batch; row++) {
                            nextPosition[row]++;
                        }
                    }
                    NDArray logits = model.forward(inputIds, maskArray, positions, cache);
                    // Ids past the tokenizer's vocabulary are padding rows of the embedding (Qwen2.5
                    // has 151,936 rows for about 151,665 tokens): never generate them.
                    NDArray last = logits.get(":, -1, :" + tokenCount); // (B, tokenCount)
                    next = options.isGreedy() ? last.argMax(1).toLongArray()
                            : sample(last, randoms, options);
                }

                // Record tokens and check the stop conditions.
                for (int row = 0; row < batch; row++) {
                    if (finished[row] != null) {
                        next[row] = PAD_ID;
                        continue;
                    }
                    int token = (int) next[row];
                    if (eosIds.contains(token)) {
                        finished[row] = FinishReason.EOS;
                        next[row] = PAD_ID;
                        continue;
                    }
                    generated.get(row).add(token);
                    if (!options.stopStrings().isEmpty() && stopIndex(decoder.apply(prompts.get(promptIndices[row]),
                            toArray(generated.get(row))), options.stopStrings()) >= 0) {
                        finished[row] = FinishReason.STOP_STRING;
                    }
                }
                if (Arrays.stream(finished).allMatch(reason -> reason != null)) {
                    break;
                }
                for (int row = 0; row < batch; row++) {
                    mask[row][seen] = 1;
                }
                input = next;
                inputLength = 1;
            }
        }

        Completion[] completions = new Completion[batch];
        for (int row = 0; row < batch; row++) {
            int[] tokens = toArray(generated.get(row));
            FinishReason reason = finished[row] == null ? FinishReason.MAX_NEW_TOKENS : finished[row];
            String text = null;
            if (decoder != null) {
                text = decoder.apply(prompts.get(promptIndices[row]), tokens);
                int stop = stopIndex(text, options.stopStrings());
                if (stop >= 0) {
                    text = text.substring(0, stop);
                }
            }
            completions[row] = new Completion(tokens, text, reason);
        }
        return completions;
    }

    private static long[] sample(NDArray logits, SplittableRandom[] randoms, GenerationOptions options) {
        int batch = randoms.length;
        float[] values = logits.toType(DataType.FLOAT32, false).toFloatArray();
        int vocab = values.length / batch;
        long[] next = new long[batch];
        for (int row = 0; row < batch; row++) {
            next[row] = Sampling.sample(values, row * vocab, vocab, options.temperature(), options.topP(), randoms[row]);
        }
        return next;
    }

    /** Returns the start of the earliest stop string in {@code text}, or -1. */
    private static int stopIndex(String text, List<String> stopStrings) {
        int earliest = -1;
        for (String stop : stopStrings) {
            int index = text.indexOf(stop);
            if (index >= 0 && (earliest < 0 || index < earliest)) {
                earliest = index;
            }
        }
        return earliest;
    }

    private static long[] flatten(long[][] mask, int columns) {
        long[] flat = new long[mask.length * columns];
        for (int row = 0; row < mask.length; row++) {
            System.arraycopy(mask[row], 0, flat, row * columns, columns);
        }
        return flat;
    }

    private static int[] toArray(List<Integer> tokens) {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "Generator[eos=" + eosIds.stream().map(String::valueOf).collect(Collectors.joining(",")) + "]";
    }
}
