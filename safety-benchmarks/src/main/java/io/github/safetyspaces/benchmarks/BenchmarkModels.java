package io.github.safetyspaces.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.data.SftBatch;
import io.github.safetyspaces.core.embedded.EmbeddedModel;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.DecoderModel;
import io.github.safetyspaces.core.model.ModelArchitecture;
import io.github.safetyspaces.core.model.ModelConfig;
import io.github.safetyspaces.core.model.WeightNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The models and inputs the benchmarks run on: the embedded stories260K checkpoint, a randomly
 * initialised Llama of about 20M parameters, and random token batches.
 */
public final class BenchmarkModels {

    /** Vocabulary of the synthetic model: the size of stories260K's tokenizer, so the head stays small. */
    private static final int SYNTHETIC_VOCAB = 512;

    private BenchmarkModels() {
    }

    /**
     * Returns the synthetic Llama configuration: hidden size 512, 6 layers, 8 heads of 64, MLP
     * width 1536, vocabulary 512, tied embeddings; 20.7M parameters.
     *
     * @return the configuration
     */
    public static ModelConfig llama20M() {
        return new ModelConfig(ModelArchitecture.LLAMA, 512, 1536, 6, 8, 8, 64, 1e-5, 10000.0, null, 2048,
                false, false, false, true, SYNTHETIC_VOCAB, 1, List.of(2), "float32");
    }

    /**
     * Builds a decoder with random weights: matrices uniform with the variance of a 0.02 Gaussian,
     * norm weights 1.
     *
     * @param config the configuration
     * @param seed seed of the weights
     * @return the model, float32 on the CPU
     */
    public static DecoderModel randomModel(ModelConfig config, long seed) {
        Engines.forceOffline();
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : WeightNames.expectedShapes(config).entrySet()) {
            long[] shape = entry.getValue();
            float[] values = new float[Math.toIntExact(FloatTensor.elementCount(shape))];
            if (shape.length == 1) {
                Arrays.fill(values, 1f);
            } else {
                // Uniform on [-a, a] has variance a^2 / 3; a = 0.02 * sqrt(3) matches N(0, 0.02^2).
                float bound = (float) (0.02 * Math.sqrt(3));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            tensors.put(entry.getKey(), new FloatTensor(shape, values));
        }
        return DecoderModel.load(config, new InMemoryTensors(tensors), Device.cpu(), DataType.FLOAT32);
    }

    /**
     * Opens the stories260K model that ships in safety-core, copied to a temporary folder.
     *
     * @return the model with its tokenizer
     */
    public static LanguageModel stories260K() {
        Engines.forceOffline();
        try {
            Path folder = Files.createTempDirectory("stories260K-");
            folder.toFile().deleteOnExit();
            Path checkpoint = EmbeddedModel.write(folder);
            return LanguageModel.open(checkpoint, null, ComputeDevice.CPU);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder for stories260K: " + e.getMessage(), e);
        }
    }

    /**
     * Builds a training batch of random tokens with no padding, every position counted in the loss.
     *
     * @param batchSize B
     * @param length T
     * @param vocab ids are drawn from [0, vocab)
     * @param seed seed of the ids
     * @return the batch
     */
    public static SftBatch randomBatch(int batchSize, int length, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int elements = batchSize * length;
        long[] ids = new long[elements];
        long[] targets = new long[elements];
        for (int i = 0; i < elements; i++) {
            ids[i] = random.nextInt(vocab);
            targets[i] = random.nextInt(vocab);
        }
        long[] mask = new long[elements];
        Arrays.fill(mask, 1);
        float[] weights = new float[elements];
        Arrays.fill(weights, 1f);
        return new SftBatch(ids, mask, targets, weights, batchSize, length, elements);
    }

    /**
     * Builds prompts of random tokens after BOS, with lengths uniform in [minLength, maxLength].
     *
     * @param count number of prompts
     * @param minLength shortest prompt, BOS included
     * @param maxLength longest prompt, BOS included
     * @param bos the BOS id
     * @param vocab ids after BOS are drawn from [3, vocab), skipping the special ids 0 to 2
     * @param seed seed of the prompts
     * @return the prompts
     */
    public static List<int[]> randomPrompts(int count, int minLength, int maxLength, int bos, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] prompts = new int[count][];
        for (int p = 0; p < count; p++) {
            int length = minLength + random.nextInt(maxLength - minLength + 1);
            prompts[p] = new int[length];
            prompts[p][0] = bos;
            for (int t = 1; t < length; t++) {
                prompts[p][t] = 3 + random.nextInt(vocab - 3);
            }
        }
        return List.of(prompts);
    }
}
