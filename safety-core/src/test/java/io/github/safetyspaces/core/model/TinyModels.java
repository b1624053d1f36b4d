package io.github.safetyspaces.core.model;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small random configurations and weights for numeric tests. */
final class TinyModels {

    private TinyModels() {
    }

    /** Qwen2 with query/key/value biases, grouped-query attention, a head width unrelated to hidden/heads, untied head. */
    static ModelConfig qwen2() {
        return new ModelConfig(ModelArchitecture.QWEN2, 12, 20, 2, 4, 2, 6, 1e-6, 10000, null, 64,
                true, false, false, false, 37, null, List.of(36), "bfloat16");
    }

    /**
     * Llama with a tied head, plain multi-head attention and llama3 rotary scaling whose bands
     * (wavelengths 8 and 64) leave frequency 0 unchanged, blend frequency 1 and divide 2 and 3.
     */
    static ModelConfig llamaTied() {
        return new ModelConfig(ModelArchitecture.LLAMA, 16, 24, 2, 2, 2, 8, 1e-5, 1000,
                new RopeScaling(8, 1, 8, 64), 64, false, false, false, true, 41, 1, List.of(2), "float32");
    }

    /** Llama with every optional bias (attention_bias and mlp_bias) and an untied head. */
    static ModelConfig llamaBiases() {
        return new ModelConfig(ModelArchitecture.LLAMA, 8, 12, 3, 4, 1, 4, 1e-5, 10000, null, 64,
                true, true, true, false, 29, 1, List.of(2), "float32");
    }

    /**
     * Draws weights: matrices N(0, scale^2), norm weights around 1, biases N(0, 0.1^2).
     *
     * @param config shapes
     * @param seed random seed
     * @param scale standard deviation of the matrices
     * @return tensors by name
     */
    static Map<String, FloatTensor> randomWeights(ModelConfig config, long seed, double scale) {
        Random random = new Random(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : WeightNames.expectedShapes(config).entrySet()) {
            long[] shape = entry.getValue();
            float[] data = new float[(int) FloatTensor.elementCount(shape)];
            String name = entry.getKey();
            for (int i = 0; i < data.length; i++) {
                double gaussian = random.nextGaussian();
                if (name.endsWith("norm.weight")) {
                    data[i] = (float) (1 + 0.2 * gaussian);
                } else if (name.endsWith(".bias")) {
                    data[i] = (float) (0.1 * gaussian);
                } else {
                    data[i] = (float) (scale * gaussian);
                }
            }
            tensors.put(name, new FloatTensor(shape, data));
        }
        return tensors;
    }
}
