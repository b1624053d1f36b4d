package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DecoderModelTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.qwen2(), TinyModels.llamaTied(), TinyModels.llamaBiases());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void logitsMatchFloat64Reference(ModelConfig config) {
        Map<String, FloatTensor> weights = TinyModels.randomWeights(config, 7, 0.3);
        ReferenceDecoder reference = new ReferenceDecoder(config, weights);
        int[][] prompts = {{3, 17, 5, 9, 1, 22, 8}, {4, 11, 2}};

        for (DataType dataType : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            double tolerance = dataType == DataType.FLOAT64 ? 1e-9 : 2e-4;
            try (DecoderModel model = DecoderModel.load(config, new InMemoryTensors(weights), Device.cpu(), dataType);
                    NDManager scope = model.manager().newSubManager()) {
                // Row 1 is left-padded to the length of row 0.
                int length = prompts[0].length;
                long[] ids = new long[2 * length];
                long[] mask = new long[2 * length];
                for (int t = 0; t < length; t++) {
                    ids[t] = prompts[0][t];
                    mask[t] = 1;
                }
                int offset = length - prompts[1].length;
                for (int t = 0; t < prompts[1].length; t++) {
                    ids[length + offset + t] = prompts[1][t];
                    mask[length + offset + t] = 1;
                }
                NDArray logits = model.forward(scope.create(ids, new Shape(2, length)),
                        scope.create(mask, new Shape(2, length)), null, null);
                double[] actual = logits.toType(DataType.FLOAT64, false).toDoubleArray();
                int vocab = config.vocabSize();

                double[][] expected0 = reference.logits(prompts[0]);
                double[][] expected1 = reference.logits(prompts[1]);
                for (int t = 0; t < length; t++) {
                    for (int v = 0; v < vocab; v++) {
                        assertEquals(expected0[t][v], actual[(t) * vocab + v], tolerance,
                                dataType + " row 0 position " + t + " token " + v);
                    }
                }
                for (int t = 0; t < prompts[1].length; t++) {
                    for (int v = 0; v < vocab; v++) {
                        assertEquals(expected1[t][v], actual[(length + offset + t) * vocab + v], tolerance,
                                dataType + " padded row position " + t + " token " + v);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedDecodingMatchesFullPass(ModelConfig config) {
        Map<String, FloatTensor> weights = TinyModels.randomWeights(config, 11, 0.3);
        long[] tokens = {1, 5, 9, 13, 2, 7, 3, 8};
        int vocab = config.vocabSize();
        try (DecoderModel model = DecoderModel.load(config, new InMemoryTensors(weights), Device.cpu(), DataType.FLOAT64);
                NDManager scope = model.manager().newSubManager();
                KvCache cache = new KvCache(scope, config.numLayers())) {
            double[] full = model.forward(scope.create(tokens, new Shape(1, tokens.length)), null, null, null)
                    .toDoubleArray();

            // A prompt of 3 tokens, then one token at a time through the cache.
            int prefix = 3;
            long[] head = java.util.Arrays.copyOf(tokens, prefix);
            double[] first = model.forward(scope.create(head, new Shape(1, prefix)), null, null, cache).toDoubleArray();
            for (int i = 0; i < prefix * vocab; i++) {
                assertEquals(full[i], first[i], 1e-10, "prefix logit " + i);
            }
            for (int t = prefix; t < tokens.length; t++) {
                NDArray step = model.forward(scope.create(new long[] {tokens[t]}, new Shape(1, 1)), null,
                        scope.create(new long[] {t}, new Shape(1, 1)), cache);
                double[] logits = step.toDoubleArray();
                for (int v = 0; v < vocab; v++) {
                    assertEquals(full[t * vocab + v], logits[v], 1e-10, "position " + t + " token " + v);
                }
                assertEquals(t + 1, cache.length());
            }
        }
    }

    @Test
    void loadListsMissingUnexpectedAndMisShapedTensors() {
        ModelConfig config = TinyModels.qwen2();
        Map<String, FloatTensor> weights = new LinkedHashMap<>(TinyModels.randomWeights(config, 1, 0.1));
        weights.remove("model.layers.1.self_attn.k_proj.bias");
        weights.put("model.layers.7.mlp.extra.weight", new FloatTensor(new long[] {1}, new float[] {0}));
        weights.put("model.norm.weight", new FloatTensor(new long[] {3}, new float[3]));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DecoderModel.load(config, new InMemoryTensors(weights), Device.cpu(), DataType.FLOAT32));
        assertTrue(error.getMessage().contains("missing tensors: [model.layers.1.self_attn.k_proj.bias]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("unexpected tensors: [model.layers.7.mlp.extra.weight]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("model.norm.weight [3] (expected [12])"), error.getMessage());
    }

    @Test
    void loadIgnoresTiedHeadAndRotaryBuffers() {
        ModelConfig config = TinyModels.llamaTied();
        Map<String, FloatTensor> weights = new LinkedHashMap<>(TinyModels.randomWeights(config, 1, 0.1));
        FloatTensor embedding = weights.get(WeightNames.EMBED_TOKENS);
        weights.put(WeightNames.LM_HEAD, embedding);
        weights.put("model.layers.0.self_attn.rotary_emb.inv_freq", new FloatTensor(new long[] {4}, new float[4]));
        try (DecoderModel model = DecoderModel.load(config, new InMemoryTensors(weights), Device.cpu(), DataType.FLOAT32)) {
            assertArrayEquals(embedding.data(), model.weight(WeightNames.EMBED_TOKENS).data());
            assertEquals(WeightNames.expectedShapes(config).keySet(), model.parameters().keySet());
        }
    }
}
