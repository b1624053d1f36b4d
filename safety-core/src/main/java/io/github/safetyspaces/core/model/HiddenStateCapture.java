package io.github.safetyspaces.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the residual-stream state at the last real token of each prompt, in batches.
 *
 * <p>Prompts are sorted by length, longest first, and cut into batches, so each batch contains
 * prompts of similar length. A batch is padded to its longest prompt on the chosen side. The
 * attention mask hides the padding, and positions count real tokens only, so a prompt's states do
 * not depend on its batch (up to floating-point rounding). The row read for each prompt is the
 * column of its last real token, computed from its own length: never a padding column.
 *
 * <p>Hidden-state indices follow {@link LastTokenStates}: index L (the number of layers) gets the
 * final norm, as in Hugging Face's {@code hidden_states}. Only the layers up to the largest
 * requested index run, and the output head never does.
 *
 * <p>Dimension letters: B batch, T padded length, D hidden size, N prompts.
 */
public final class HiddenStateCapture {

    private static final Logger LOG = LoggerFactory.getLogger(HiddenStateCapture.class);

    /** Id in padding positions; the mask hides it, so any valid id does. */
    private static final long PAD_ID = 0;

    /** Minimum time between two progress lines. */
    private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    private final DecoderModel model;
    private final int batchSize;
    private final PaddingSide paddingSide;

    /**
     * Creates a capture for one model.
     *
     * @param model the decoder; the caller keeps it open while capturing
     * @param batchSize prompts run together, at least 1
     * @param paddingSide where the padding of shorter prompts goes
     */
    public HiddenStateCapture(DecoderModel model, int batchSize, PaddingSide paddingSide) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
        }
        this.model = Objects.requireNonNull(model, "model");
        this.batchSize = batchSize;
        this.paddingSide = Objects.requireNonNull(paddingSide, "paddingSide");
    }

    /**
     * Runs the prompts through the model and keeps the state of their last real token.
     *
     * @param prompts token ids of each prompt, BOS included when the model expects it; none may be empty
     * @param hiddenStateIndices indices in [0, L] to keep, L being the number of layers; repeats are ignored
     * @return N x D float32 states per index, rows in the order of {@code prompts}
     * @throws IllegalArgumentException if there is no prompt or no index, a prompt is empty, or an
     *     index is out of range
     */
    public LastTokenStates capture(List<int[]> prompts, Collection<Integer> hiddenStateIndices) {
        int layers = model.config().numLayers();
        int hiddenSize = model.config().hiddenSize();
        int[] indices = hiddenStateIndices.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        if (indices.length == 0) {
            throw new IllegalArgumentException("No hidden-state index to capture; pass indices in [0, " + layers
                    + "].");
        }
        if (indices[0] < 0 || indices[indices.length - 1] > layers) {
            throw new IllegalArgumentException("Hidden-state indices " + Arrays.toString(indices) + " must be in [0, "
                    + layers + "]: 0 is the embedding output and " + layers + " the output of the last of the model's "
                    + layers + " layers.");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("No prompts to capture states for.");
        }
        int longest = 0;
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("Prompt " + i + " has no tokens; start it with BOS.");
            }
            longest = Math.max(longest, prompts.get(i).length);
        }
        if (longest > model.config().maxPositions()) {
            LOG.warn("The longest prompt has {} tokens, more than the model's {} positions (max_position_embeddings);"
                    + " its states come from positions the model was not trained on", longest,
                    model.config().maxPositions());
        }

        // Longest prompts first, so each batch contains prompts of similar length.
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> prompts.get(i).length).reversed());

        float[][] values = new float[indices.length][Math.multiplyExact(prompts.size(), hiddenSize)];
        long started = System.nanoTime();
        long lastLog = started;
        for (int from = 0; from < order.length; from += batchSize) {
            int[] batch = Arrays.stream(order, from, Math.min(order.length, from + batchSize))
                    .mapToInt(Integer::intValue).toArray();
            captureBatch(batch, prompts, indices, values);

            int done = from + batch.length;
            long now = System.nanoTime();
            if (done < order.length && now - lastLog >= PROGRESS_INTERVAL_NANOS) {
                double seconds = (now - started) / 1e9;
                LOG.info("Captured {}/{} prompts, {} prompts/s, about {} s left", done, order.length,
                        Math.round(done / seconds), Math.round(seconds / done * (order.length - done)));
                lastLog = now;
            }
        }

        SortedMap<Integer, FloatMatrix> states = new TreeMap<>();
        for (int j = 0; j < indices.length; j++) {
            states.put(indices[j], new FloatMatrix(prompts.size(), hiddenSize, values[j]));
        }
        LOG.debug("Captured {} prompts at hidden-state indices {} in {} ms", prompts.size(), Arrays.toString(indices),
                (System.nanoTime() - started) / 1_000_000);
        return new LastTokenStates(prompts.size(), hiddenSize, states);
    }

    /** Runs one batch and copies each prompt's last-token rows to {@code values[j]} at the prompt's input index. */
    private void captureBatch(int[] promptIndices, List<int[]> prompts, int[] indices, float[][] values) {
        int batch = promptIndices.length;
        int hiddenSize = model.config().hiddenSize();
        int layers = model.config().numLayers();
        int length = 0;
        for (int index : promptIndices) {
            length = Math.max(length, prompts.get(index).length);
        }

        // Padded ids, mask, and the flat (row * T + column) position of each prompt's last real token.
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] lastPositions = new long[batch];
        for (int row = 0; row < batch; row++) {
            int[] prompt = prompts.get(promptIndices[row]);
            int offset = paddingSide == PaddingSide.LEFT ? length - prompt.length : 0;
            Arrays.fill(ids, row * length, (row + 1) * length, PAD_ID);
            for (int t = 0; t < prompt.length; t++) {
                ids[row * length + offset + t] = prompt[t];
                mask[row * length + offset + t] = 1;
            }
            lastPositions[row] = (long) row * length + offset + prompt.length - 1;
        }

        // One pass through the layers that are needed, then a gather of the last-token rows.
        // NOTE: every array of the pass, (B, T, D) states and (B, K, G*T, T) attention scores of every
        // layer, stays allocated until the scope closes. Peak memory therefore grows with the batch size
        // and T^2; closing each layer's temporaries after its gather would need a per-layer forward API.
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray inputIds = scope.create(ids, new Shape(batch, length));
            NDArray maskArray = scope.create(mask, new Shape(batch, length));
            NDArray rows = scope.create(lastPositions); // (B)
            List<NDArray> hidden = model.residualStream(inputIds, maskArray, indices[indices.length - 1]);
            for (int j = 0; j < indices.length; j++) {
                NDArray last = hidden.get(indices[j]).reshape(batch * (long) length, hiddenSize).get(rows); // (B, D)
                if (indices[j] == layers) {
                    // Hugging Face's last hidden state is taken after the final norm.
                    last = model.finalNorm(last);
                }
                float[] batchValues = last.toType(DataType.FLOAT32, false).toFloatArray();
                for (int row = 0; row < batch; row++) {
                    System.arraycopy(batchValues, row * hiddenSize, values[j], promptIndices[row] * hiddenSize,
                            hiddenSize);
                }
            }
        }
    }
}
