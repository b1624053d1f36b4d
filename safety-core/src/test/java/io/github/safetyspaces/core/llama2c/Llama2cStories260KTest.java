package io.github.safetyspaces.core.llama2c;

import io.github.safetyspaces.core.model.WeightNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads llama2.c's stories260K checkpoint and checks it against the file's raw floats, which the test
 * locates itself from the legacy layout of llama2.c's {@code run.c} and {@code export.py}.
 */
class Llama2cStories260KTest {

    // Training settings of stories260K from llama2.c's doc/stories260K.md. hidden_dim follows from
    // model.py's rule: 2/3 of 4 * dim = 170, rounded up to the multiple_of 4.
    private static final int DIM = 64;
    private static final int HIDDEN = 172;
    private static final int LAYERS = 5;
    private static final int HEADS = 8;
    private static final int KV_HEADS = 4;
    private static final int VOCAB = 512;
    private static final int SEQ_LEN = 512;
    private static final int HEAD_SIZE = DIM / HEADS;
    private static final int KV_DIM = KV_HEADS * HEAD_SIZE;

    // Float offsets of each tensor after the 28-byte header, in legacy_export order.
    private static final int EMBEDDING = 0;
    private static final int RMS_ATT = EMBEDDING + VOCAB * DIM;
    private static final int WQ = RMS_ATT + LAYERS * DIM;
    private static final int WK = WQ + LAYERS * DIM * DIM;
    private static final int WV = WK + LAYERS * KV_DIM * DIM;
    private static final int WO = WV + LAYERS * KV_DIM * DIM;
    private static final int RMS_FFN = WO + LAYERS * DIM * DIM;
    private static final int W1 = RMS_FFN + LAYERS * DIM;
    private static final int W2 = W1 + LAYERS * HIDDEN * DIM;
    private static final int W3 = W2 + LAYERS * DIM * HIDDEN;
    private static final int RMS_FINAL = W3 + LAYERS * HIDDEN * DIM;
    private static final int FREQ_REAL = RMS_FINAL + DIM;
    private static final int FREQ_IMAG = FREQ_REAL + SEQ_LEN * HEAD_SIZE / 2;
    private static final int END = FREQ_IMAG + SEQ_LEN * HEAD_SIZE / 2;

    private static final long FILE_BYTES = 28L + 4L * END;

    private static Path bin;
    private static Llama2cCheckpoint checkpoint;
    private static float[] raw;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void readCheckpoint() throws IOException {
        // Skips every test of the class (fails under CI) when the shared data is absent.
        bin = SharedData.require("models/stories260K/stories260K.bin");
        checkpoint = Llama2cCheckpoint.read(bin);

        FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(bin)).position(28).slice()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        raw = new float[floats.remaining()];
        floats.get(raw);
    }


    @Test
    void headerMatchesPublishedConfig() {
        Llama2cHeader header = checkpoint.header();

        assertEquals(DIM, header.dim());
        assertEquals(HIDDEN, header.hiddenDim());
        assertEquals(LAYERS, header.layers());
        assertEquals(HEADS, header.heads());
        assertEquals(KV_HEADS, header.kvHeads());
        assertEquals(VOCAB, header.vocabSize());
        assertTrue(header.sharedClassifier(), "stories260K stores a positive vocab_size, so wcls is shared");
        assertEquals(SEQ_LEN, header.seqLen());
        assertEquals(HEAD_SIZE, header.headSize());
    }

    @Test
    void fileSizeMatchesLegacyLayout() throws IOException {
        assertEquals(FILE_BYTES, Files.size(bin));
        assertEquals(FILE_BYTES, checkpoint.header().fileSize());
        assertEquals(END, raw.length);
    }

    @Test
    void tensorNamesAndShapes() {
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("model.embed_tokens.weight", new long[] {VOCAB, DIM});
        for (int i = 0; i < LAYERS; i++) {
            String prefix = "model.layers." + i + ".";
            expected.put(prefix + "input_layernorm.weight", new long[] {DIM});
            expected.put(prefix + "self_attn.q_proj.weight", new long[] {HEADS * HEAD_SIZE, DIM});
            expected.put(prefix + "self_attn.k_proj.weight", new long[] {KV_DIM, DIM});
            expected.put(prefix + "self_attn.v_proj.weight", new long[] {KV_DIM, DIM});
            expected.put(prefix + "self_attn.o_proj.weight", new long[] {DIM, HEADS * HEAD_SIZE});
            expected.put(prefix + "post_attention_layernorm.weight", new long[] {DIM});
            expected.put(prefix + "mlp.gate_proj.weight", new long[] {HIDDEN, DIM});
            expected.put(prefix + "mlp.down_proj.weight", new long[] {DIM, HIDDEN});
            expected.put(prefix + "mlp.up_proj.weight", new long[] {HIDDEN, DIM});
        }
        expected.put("model.norm.weight", new long[] {DIM});

        TensorSource tensors = checkpoint.tensors();
        assertEquals(1 + 9 * LAYERS + 1, tensors.names().size());
        assertEquals(expected.keySet(), tensors.names());
        assertFalse(tensors.names().contains("lm_head.weight"), "the classifier is tied to the embedding");
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            assertArrayEquals(entry.getValue(), tensors.shape(entry.getKey()), entry.getKey());
        }
    }

    @Test
    void rotaryTablesUseThetaTenThousand() {
        // The reader skips these tables, but matching them confirms the test's own offsets up to the end.
        int half = HEAD_SIZE / 2;
        for (int position = 0; position < SEQ_LEN; position++) {
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(10_000.0, -2.0 * i / HEAD_SIZE);
                assertEquals(Math.cos(angle), raw[FREQ_REAL + position * half + i], 1e-4, "cos at " + position);
                assertEquals(Math.sin(angle), raw[FREQ_IMAG + position * half + i], 1e-4, "sin at " + position);
            }
        }
    }

    @Test
    void normsMatchRawFloats() {
        TensorSource tensors = checkpoint.tensors();
        assertArrayEquals(slice(RMS_FINAL, DIM), tensors.read("model.norm.weight").data());
        for (int layer = 0; layer < LAYERS; layer++) {
            assertArrayEquals(slice(RMS_ATT + layer * DIM, DIM),
                    tensors.read(WeightNames.inputLayernorm(layer)).data(), "layer " + layer);
            assertArrayEquals(slice(RMS_FFN + layer * DIM, DIM),
                    tensors.read(WeightNames.postAttentionLayernorm(layer)).data(), "layer " + layer);
        }
    }

    @Test
    void projectionsMatchLlama2cMatmul() {
        TensorSource tensors = checkpoint.tensors();
        FloatTensor embedding = tensors.read("model.embed_tokens.weight");
        double largestTransposeDifference = 0;

        for (int token : new int[] {1, 100, 511}) {
            for (int layer = 0; layer < LAYERS; layer++) {
                String where = "token " + token + ", layer " + layer;

                // llama2.c: RMSNorm of the embedding row, then matmul on the raw file floats.
                double[] embeddingRow = toDouble(slice(EMBEDDING + token * DIM, DIM));
                double[] xb = rmsnorm(embeddingRow, slice(RMS_ATT + layer * DIM, DIM));
                double[] qLlama2c = llama2cMatmul(xb, WQ + layer * DIM * DIM, DIM, DIM);
                double[] kLlama2c = llama2cMatmul(xb, WK + layer * DIM * KV_DIM, DIM, KV_DIM);
                double[] vLlama2c = llama2cMatmul(xb, WV + layer * DIM * KV_DIM, DIM, KV_DIM);
                double[] oLlama2c = llama2cMatmul(qLlama2c, WO + layer * DIM * DIM, DIM, DIM);
                double[] gateLlama2c = llama2cMatmul(xb, W1 + layer * DIM * HIDDEN, DIM, HIDDEN);
                double[] upLlama2c = llama2cMatmul(xb, W3 + layer * DIM * HIDDEN, DIM, HIDDEN);
                double[] downLlama2c = llama2cMatmul(gateLlama2c, W2 + layer * HIDDEN * DIM, HIDDEN, DIM);

                // Hugging Face: the same steps as W x on the renamed tensors.
                double[] hfEmbeddingRow = row(embedding, token);
                double[] x = rmsnorm(hfEmbeddingRow, tensors.read(WeightNames.inputLayernorm(layer)).data());
                double[] q = multiply(tensors.read(WeightNames.qProj(layer)), x);
                double[] k = multiply(tensors.read(WeightNames.kProj(layer)), x);
                double[] v = multiply(tensors.read(WeightNames.vProj(layer)), x);
                double[] o = multiply(tensors.read(WeightNames.oProj(layer)), qLlama2c);
                double[] gate = multiply(tensors.read(WeightNames.gateProj(layer)), x);
                double[] up = multiply(tensors.read(WeightNames.upProj(layer)), x);
                double[] down = multiply(tensors.read(WeightNames.downProj(layer)), gateLlama2c);

                assertArrayEquals(embeddingRow, hfEmbeddingRow, where);
                assertArrayEquals(xb, x, 1e-12, where);
                // q and k come back in rotate-half order: entry j of each half was entry 2j or 2j + 1.
                assertArrayEquals(interleavedToRotateHalf(qLlama2c), q, 1e-9, "q, " + where);
                assertArrayEquals(interleavedToRotateHalf(kLlama2c), k, 1e-9, "k, " + where);
                assertArrayEquals(vLlama2c, v, 1e-9, "v, " + where);
                assertArrayEquals(oLlama2c, o, 1e-9, "o, " + where);
                assertArrayEquals(gateLlama2c, gate, 1e-9, "gate, " + where);
                assertArrayEquals(upLlama2c, up, 1e-9, "up, " + where);
                assertArrayEquals(downLlama2c, down, 1e-9, "down, " + where);

                // wo is square, so reading it transposed would keep the shape but change the result.
                double[] oTransposed = llama2cMatmulTransposed(qLlama2c, WO + layer * DIM * DIM, DIM, DIM);
                for (int i = 0; i < DIM; i++) {
                    largestTransposeDifference = Math.max(largestTransposeDifference, Math.abs(oTransposed[i] - o[i]));
                }
            }
        }
        assertTrue(largestTransposeDifference > 1e-3,
                "the transposed product should differ, but the largest difference was " + largestTransposeDifference);
    }

    @Test
    void tiedClassifierIsEmbedding() {
        // run.c points wcls at token_embedding_table when vocab_size is positive.
        FloatTensor embedding = checkpoint.tensors().read("model.embed_tokens.weight");

        assertArrayEquals(slice(EMBEDDING, VOCAB * DIM), embedding.data());
    }

    @Test
    void truncatedCopyIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(bin);
        Path truncated = Files.write(tempDir.resolve("stories260K-truncated.bin"),
                Arrays.copyOf(bytes, bytes.length - 4));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(truncated));

        String message = error.getMessage();
        assertTrue(message.contains(truncated.toString()), message);
        assertTrue(message.contains(FILE_BYTES + " bytes"), message);
        assertTrue(message.contains((FILE_BYTES - 4) + " bytes"), message);
        assertTrue(message.contains("truncated"), message);
    }

    @Test
    void oversizedCopyIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(bin);
        Path oversized = Files.write(tempDir.resolve("stories260K-oversized.bin"),
                Arrays.copyOf(bytes, bytes.length + 4));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cCheckpoint.read(oversized));

        String message = error.getMessage();
        assertTrue(message.contains(oversized.toString()), message);
        assertTrue(message.contains(FILE_BYTES + " bytes"), message);
        assertTrue(message.contains((FILE_BYTES + 4) + " bytes"), message);
    }

    // ---- llama2.c reference arithmetic on raw floats

    /** Computes run.c's {@code matmul(xout, x, w, n, d)}: xout[i] = sum_j w[i * n + j] * x[j] for i below d. */
    private static double[] llama2cMatmul(double[] x, int weightOffset, int n, int d) {
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += raw[weightOffset + i * n + j] * x[j];
            }
            out[i] = sum;
        }
        return out;
    }

    /** Computes the product with the matrix read as (n, d), the orientation that run.c's comments suggest. */
    private static double[] llama2cMatmulTransposed(double[] x, int weightOffset, int n, int d) {
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += raw[weightOffset + j * d + i] * x[j];
            }
            out[i] = sum;
        }
        return out;
    }

    /** Computes run.c's {@code rmsnorm}: weight * x / sqrt(mean(x^2) + 1e-5). */
    private static double[] rmsnorm(double[] x, float[] weight) {
        double sumOfSquares = 0;
        for (double value : x) {
            sumOfSquares += value * value;
        }
        double scale = 1.0 / Math.sqrt(sumOfSquares / x.length + 1e-5);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = weight[j] * (scale * x[j]);
        }
        return out;
    }

    /** Reorders a q or k vector so that entries 2j and 2j + 1 of each head move to j and j + HEAD_SIZE / 2. */
    private static double[] interleavedToRotateHalf(double[] vector) {
        int half = HEAD_SIZE / 2;
        double[] out = new double[vector.length];
        for (int start = 0; start < vector.length; start += HEAD_SIZE) {
            for (int j = 0; j < half; j++) {
                out[start + j] = vector[start + 2 * j];
                out[start + half + j] = vector[start + 2 * j + 1];
            }
        }
        return out;
    }

    /** Computes W x for W of shape (out, in) in row-major order, as nn.Linear does. */
    private static double[] multiply(FloatTensor weight, double[] x) {
        long[] shape = weight.shape();
        assertEquals(2, shape.length, "weight rank");
        assertEquals(x.length, shape[1], "weight input width");
        int rows = (int) shape[0];
        int columns = (int) shape[1];
        float[] data = weight.data();
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                sum += data[r * columns + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static double[] row(FloatTensor matrix, int index) {
        int columns = (int) matrix.shape()[1];
        return toDouble(Arrays.copyOfRange(matrix.data(), index * columns, (index + 1) * columns));
    }

    private static float[] slice(int offset, int length) {
        return Arrays.copyOfRange(raw, offset, offset + length);
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
