package io.github.safetyspaces.core.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads checkpoints that the test writes byte by byte in the order of llama2.c's
 * {@code export.py legacy_export}, so the expected layout comes from the test and not from the reader.
 */
class Llama2cCheckpointTest {

    @TempDir
    Path tempDir;

    static Stream<Arguments> configurations() {
        return Stream.of(
                // dim, hidden, layers, heads, kvHeads, vocab, seqLen, shared classifier
                Arguments.of(12, 20, 2, 3, 1, 7, 5, true),
                Arguments.of(12, 20, 2, 3, 1, 7, 5, false),
                Arguments.of(16, 36, 3, 4, 4, 11, 6, true),
                Arguments.of(16, 36, 3, 4, 2, 11, 6, false));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void readsSelfWrittenCheckpoint(int dim, int hidden, int layers, int heads, int kvHeads, int vocab,
            int seqLen, boolean shared) throws IOException {
        Random random = new Random(dim * 31L + layers * 7L + (shared ? 1 : 0));
        WrittenCheckpoint written =
                writeCheckpoint(random, dim, hidden, layers, heads, kvHeads, vocab, seqLen, shared);

        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.read(written.file);

        assertEquals(new Llama2cHeader(dim, hidden, layers, heads, kvHeads, vocab, shared, seqLen),
                checkpoint.header());
        TensorSource tensors = checkpoint.tensors();
        assertEquals(written.expected.keySet(), tensors.names());
        for (Map.Entry<String, FloatTensor> entry : written.expected.entrySet()) {
            String name = entry.getKey();
            assertArrayEquals(entry.getValue().shape(), tensors.shape(name), "shape of " + name);
            assertArrayEquals(entry.getValue().data(), tensors.read(name).data(), "values of " + name);
        }
    }

    /** Found by fuzzing: such a file read, and then config() failed on BOS id 1 outside the vocabulary. */
    @Test
    void vocabularyTooSmallForBosAndEosIsRejected() throws IOException {
        WrittenCheckpoint written = writeCheckpoint(new Random(1), 12, 20, 2, 3, 1, 2, 5, false);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(written.file));

        assertTrue(error.getMessage().contains("vocab_size 2"), error.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        WrittenCheckpoint written = writeCheckpoint(new Random(1), 12, 20, 2, 3, 1, 7, 5, false);
        byte[] bytes = Files.readAllBytes(written.file);
        Path truncated = Files.write(tempDir.resolve("truncated.bin"),
                Arrays.copyOf(bytes, bytes.length - 1));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(truncated));

        assertTrue(error.getMessage().contains(truncated.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(" " + bytes.length + " bytes"), error.getMessage());
        assertTrue(error.getMessage().contains(" " + (bytes.length - 1) + " bytes"), error.getMessage());
    }

    @Test
    void fileShorterThanHeaderIsRejected() throws IOException {
        Path tiny = Files.write(tempDir.resolve("tiny.bin"), new byte[10]);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(tiny));

        assertTrue(error.getMessage().contains("10 bytes"), error.getMessage());
    }

    @Test
    void versionedExportIsRejected() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0x616b3432).putInt(1);
        Path versioned = Files.write(tempDir.resolve("v1.bin"), bytes.array());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(versioned));

        assertTrue(error.getMessage().contains("version 1"), error.getMessage());
        assertTrue(error.getMessage().contains("--version 0"), error.getMessage());
    }

    @Test
    void invalidHeaderNamesFile() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(12).putInt(20).putInt(2).putInt(5).putInt(1).putInt(7).putInt(5);
        Path invalid = Files.write(tempDir.resolve("invalid.bin"), bytes.array());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(invalid));

        assertTrue(error.getMessage().contains(invalid.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("n_heads 5"), error.getMessage());
    }

    @Test
    void missingFileFailsWithPath() {
        Path missing = tempDir.resolve("missing.bin");

        UncheckedIOException error = assertThrows(UncheckedIOException.class,
                () -> Llama2cCheckpoint.read(missing));

        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
    }

    // ---- test-side writer

    /** A checkpoint file and the tensors, under Hugging Face names, that reading it must return. */
    private record WrittenCheckpoint(Path file, Map<String, FloatTensor> expected) {
    }

    /**
     * Writes a legacy checkpoint with random weights and builds the expected tensors from the same
     * random arrays, with q and k rows reordered by hand from interleaved to rotate-half layout.
     */
    private WrittenCheckpoint writeCheckpoint(Random random, int dim, int hidden, int layers, int heads,
            int kvHeads, int vocab, int seqLen, boolean shared) throws IOException {
        int headSize = dim / heads;
        int qDim = heads * headSize;
        int kvDim = kvHeads * headSize;

        // Generate every llama2.c tensor, one array per layer.
        float[] embedding = randomFloats(random, vocab * dim);
        float[][] attentionNorm = randomLayers(random, layers, dim);
        float[][] wq = randomLayers(random, layers, qDim * dim);
        float[][] wk = randomLayers(random, layers, kvDim * dim);
        float[][] wv = randomLayers(random, layers, kvDim * dim);
        float[][] wo = randomLayers(random, layers, dim * qDim);
        float[][] ffnNorm = randomLayers(random, layers, dim);
        float[][] w1 = randomLayers(random, layers, hidden * dim);
        float[][] w2 = randomLayers(random, layers, dim * hidden);
        float[][] w3 = randomLayers(random, layers, hidden * dim);
        float[] finalNorm = randomFloats(random, dim);
        float[] freqCisReal = randomFloats(random, seqLen * headSize / 2);
        float[] freqCisImag = randomFloats(random, seqLen * headSize / 2);
        float[] classifier = shared ? null : randomFloats(random, vocab * dim);

        // Write the header and then the tensors in legacy_export order.
        int floatCount = embedding.length + dim + 2 * seqLen * headSize / 2
                + layers * (2 * dim + 2 * qDim * dim + 2 * kvDim * dim + 3 * hidden * dim)
                + (shared ? 0 : vocab * dim);
        ByteBuffer bytes = ByteBuffer.allocate(28 + 4 * floatCount).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(dim).putInt(hidden).putInt(layers).putInt(heads).putInt(kvHeads)
                .putInt(shared ? vocab : -vocab).putInt(seqLen);
        putFloats(bytes, embedding);
        for (float[][] kind : new float[][][] {attentionNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3}) {
            for (float[] layer : kind) {
                putFloats(bytes, layer);
            }
        }
        putFloats(bytes, finalNorm);
        putFloats(bytes, freqCisReal);
        putFloats(bytes, freqCisImag);
        if (!shared) {
            putFloats(bytes, classifier);
        }
        assertEquals(bytes.capacity(), bytes.position(), "the test writer must fill the file exactly");
        Path file = Files.write(tempDir.resolve("model-" + (shared ? "shared" : "separate") + ".bin"),
                bytes.array());

        // The names and shapes of transformers' LlamaForCausalLM state dict.
        Map<String, FloatTensor> expected = new LinkedHashMap<>();
        expected.put("model.embed_tokens.weight", tensor(embedding, vocab, dim));
        for (int i = 0; i < layers; i++) {
            String prefix = "model.layers." + i + ".";
            expected.put(prefix + "input_layernorm.weight", tensor(attentionNorm[i], dim));
            expected.put(prefix + "self_attn.q_proj.weight",
                    tensor(interleavedToRotateHalfRows(wq[i], heads, headSize, dim), qDim, dim));
            expected.put(prefix + "self_attn.k_proj.weight",
                    tensor(interleavedToRotateHalfRows(wk[i], kvHeads, headSize, dim), kvDim, dim));
            expected.put(prefix + "self_attn.v_proj.weight", tensor(wv[i], kvDim, dim));
            expected.put(prefix + "self_attn.o_proj.weight", tensor(wo[i], dim, qDim));
            expected.put(prefix + "post_attention_layernorm.weight", tensor(ffnNorm[i], dim));
            expected.put(prefix + "mlp.gate_proj.weight", tensor(w1[i], hidden, dim));
            expected.put(prefix + "mlp.down_proj.weight", tensor(w2[i], dim, hidden));
            expected.put(prefix + "mlp.up_proj.weight", tensor(w3[i], hidden, dim));
        }
        expected.put("model.norm.weight", tensor(finalNorm, dim));
        if (!shared) {
            expected.put("lm_head.weight", tensor(classifier, vocab, dim));
        }
        return new WrittenCheckpoint(file, expected);
    }

    /** Moves row 2j of each head to row j and row 2j + 1 to row j + headSize / 2. */
    private static float[] interleavedToRotateHalfRows(float[] rows, int numHeads, int headSize, int columns) {
        float[] out = new float[rows.length];
        int half = headSize / 2;
        for (int head = 0; head < numHeads; head++) {
            for (int j = 0; j < half; j++) {
                for (int c = 0; c < columns; c++) {
                    int base = head * headSize;
                    out[(base + j) * columns + c] = rows[(base + 2 * j) * columns + c];
                    out[(base + j + half) * columns + c] = rows[(base + 2 * j + 1) * columns + c];
                }
            }
        }
        return out;
    }

    private static FloatTensor tensor(float[] data, long... shape) {
        return new FloatTensor(shape, data);
    }

    private static float[][] randomLayers(Random random, int layers, int size) {
        float[][] out = new float[layers][];
        for (int i = 0; i < layers; i++) {
            out[i] = randomFloats(random, size);
        }
        return out;
    }

    private static float[] randomFloats(Random random, int size) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static void putFloats(ByteBuffer bytes, float[] values) {
        for (float value : values) {
            bytes.putFloat(value);
        }
    }
}
