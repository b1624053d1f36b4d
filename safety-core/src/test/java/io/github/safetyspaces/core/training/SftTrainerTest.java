package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.data.SftBatch;
import io.github.safetyspaces.core.data.SftBatches;
import io.github.safetyspaces.core.data.SftExample;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.model.DecoderModel;
import io.github.safetyspaces.core.model.ModelArchitecture;
import io.github.safetyspaces.core.model.ModelConfig;
import io.github.safetyspaces.core.model.WeightNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SftTrainerTest {

    /** A small Qwen2 (biases, grouped-query attention) so every kind of weight is trained. */
    private static final ModelConfig CONFIG = new ModelConfig(ModelArchitecture.QWEN2, 16, 24, 2, 4, 2, 4, 1e-6,
            10000, null, 64, true, false, false, false, 32, null, List.of(31), "float32");

    private static Map<String, FloatTensor> randomWeights(long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        WeightNames.expectedShapes(CONFIG).forEach((name, shape) -> {
            float[] data = new float[(int) FloatTensor.elementCount(shape)];
            for (int i = 0; i < data.length; i++) {
                data[i] = name.endsWith("norm.weight") ? 1f : (float) (0.2 * random.nextGaussian());
            }
            tensors.put(name, new FloatTensor(shape, data));
        });
        return tensors;
    }

    /** Eight sequences of 6 to 11 tokens whose responses follow a fixed rule of the prompt. */
    private static List<SftExample> examples() {
        List<SftExample> examples = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 8; i++) {
            int promptLength = 3 + random.nextInt(4);
            int responseLength = 2 + random.nextInt(3);
            int[] ids = new int[promptLength + responseLength];
            for (int t = 0; t < promptLength; t++) {
                ids[t] = 1 + random.nextInt(29);
            }
            for (int t = 0; t < responseLength; t++) {
                ids[promptLength + t] = (ids[t] * 7 + 3) % 30 + 1;
            }
            ids[ids.length - 1] = 31; // EOS
            examples.add(new SftExample(ids, promptLength));
        }
        return examples;
    }

    private static TrainingConfig config(int batchSize, int accumulation, int maxSteps, double maxGradNorm) {
        return new TrainingConfig(1e-2, 0, LearningRateSchedule.CONSTANT, 0, 0.9, 0.999, 1e-8, 0.01, batchSize,
                accumulation, 1, maxSteps, maxGradNorm, 7, 1000, 0);
    }

    private static Map<String, float[]> train(TrainingConfig config, List<StepLog> logs) {
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(randomWeights(3)), Device.cpu(),
                DataType.FLOAT32)) {
            SftBatches batches = new SftBatches(examples(), config.batchSize(), 31, config.seed());
            logs.addAll(new SftTrainer(model, config).train(batches::epoch, null));
            Map<String, float[]> weights = new LinkedHashMap<>();
            model.parameters().keySet().forEach(name -> weights.put(name, model.weight(name).data()));
            return weights;
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Map<String, float[]> first = train(config(4, 1, 12, 1.0), new ArrayList<>());
        Map<String, float[]> second = train(config(4, 1, 12, 1.0), new ArrayList<>());
        first.forEach((name, values) -> assertArrayEquals(values, second.get(name), name));
        Map<String, float[]> start = randomWeights(3).entrySet().stream().collect(LinkedHashMap::new,
                (map, entry) -> map.put(entry.getKey(), entry.getValue().data()), Map::putAll);
        first.forEach((name, values) -> assertNotEquals(java.util.Arrays.toString(start.get(name)),
                java.util.Arrays.toString(values), name + " must change during training"));
    }

    @Test
    void lossFallsOnRepeatedData() {
        List<StepLog> logs = new ArrayList<>();
        train(config(8, 1, 60, 1.0), logs);
        assertEquals(60, logs.size());
        double first = logs.get(0).loss();
        double last = logs.get(logs.size() - 1).loss();
        assertTrue(last < first / 4, "loss " + first + " -> " + last);
        long responseTokens = examples().stream().mapToLong(SftExample::predictedTokens).sum();
        assertEquals(responseTokens, logs.get(0).tokens());
    }

    @Test
    void accumulationEqualsOneLargeBatch() {
        // Without per-step gradient zeroing, or with a per-micro-batch mean, the two would differ.
        Map<String, float[]> large = train(new TrainingConfig(1e-2, 0, LearningRateSchedule.CONSTANT, 0, 0.9, 0.999,
                1e-8, 0, 8, 1, 3, 0, 0, 7, 1000, 0), new ArrayList<>());
        Map<String, float[]> accumulated = train(new TrainingConfig(1e-2, 0, LearningRateSchedule.CONSTANT, 0, 0.9,
                0.999, 1e-8, 0, 2, 4, 3, 0, 0, 7, 1000, 0), new ArrayList<>());
        large.forEach((name, values) -> {
            float[] other = accumulated.get(name);
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], other[i], 2e-5, name + "[" + i + "]");
            }
        });
    }

    @Test
    void eachStepStartsFromZeroGradients() {
        // libtorch adds every backward pass to the stored gradients. The gradient norm logged for
        // step 2 must be that of step 2's batch alone, computed here afresh at the weights after step 1.
        TrainingConfig twoSteps = config(8, 1, 2, 0);
        List<StepLog> logs = new ArrayList<>();
        train(twoSteps, logs);
        Map<String, float[]> afterOneStep = train(config(8, 1, 1, 0), new ArrayList<>());

        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        afterOneStep.forEach((name, values) -> weights.put(name,
                new FloatTensor(WeightNames.expectedShapes(CONFIG).get(name), values)));
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(weights), Device.cpu(),
                DataType.FLOAT32);
                NDManager scope = model.manager().newSubManager()) {
            SftBatch batch = new SftBatches(examples(), 8, 31, twoSteps.seed()).epoch(1).get(0);
            Shape shape = new Shape(batch.batchSize(), batch.length());
            model.parameters().values().forEach(weight -> weight.setRequiresGradient(true));
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray logits = model.forward(scope.create(batch.inputIds(), shape),
                        scope.create(batch.attentionMask(), shape), null, null);
                collector.backward(SftLoss.crossEntropy(logits, scope.create(batch.targets(), shape),
                        scope.create(batch.lossWeights(), shape), batch.predictedTokens()));
            }
            double expected = Gradients.globalNorm(model.parameters(), scope);
            assertEquals(expected, logs.get(1).gradientNorm(), 1e-4 * expected);
        }
    }

    @Test
    void trainingLeavesNothingInModelManager() {
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(randomWeights(3)), Device.cpu(),
                DataType.FLOAT32)) {
            int before = ((BaseNDManager) model.manager()).getManagedArrays().size();
            SftBatches batches = new SftBatches(examples(), 4, 31, 1);
            new SftTrainer(model, config(4, 2, 5, 1.0)).train(batches::epoch, null);
            assertEquals(before, ((BaseNDManager) model.manager()).getManagedArrays().size());
        }
    }

    @Test
    void nonFiniteLossStopsWithStepAndLastLoss() {
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(randomWeights(3)), Device.cpu(),
                DataType.FLOAT32)) {
            SftBatches batches = new SftBatches(examples(), 8, 31, 1);
            List<Double> losses = new ArrayList<>();
            TrainingDivergedException error = assertThrows(TrainingDivergedException.class,
                    () -> new SftTrainer(model, config(8, 1, 10, 0)).train(batches::epoch, log -> {
                        losses.add(log.loss());
                        if (log.step() == 3) {
                            // Poison one weight, as an overflow would.
                            model.parameters().get(WeightNames.FINAL_NORM).set(new NDIndex(0), Float.NaN);
                        }
                    }));
            assertEquals(4, error.step());
            assertTrue(error.getMessage().contains("step 4 of 10"), error.getMessage());
            assertTrue(error.getMessage().contains("last finite loss " + losses.get(2)), error.getMessage());
            assertTrue(error.getMessage().contains("Lower the learning rate"), error.getMessage());
        }
    }

    @Test
    void lossGradientIsZeroOnPromptPositions() {
        SftBatch batch = SftBatch.of(examples().subList(0, 3), 31);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            Shape shape = new Shape(batch.batchSize(), batch.length());
            Random random = new Random(2);
            float[] values = new float[batch.batchSize() * batch.length() * CONFIG.vocabSize()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            NDArray logits = manager.create(values, new Shape(batch.batchSize(), batch.length(), CONFIG.vocabSize()));
            logits.setRequiresGradient(true);
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray loss = SftLoss.crossEntropy(logits, manager.create(batch.targets(), shape),
                        manager.create(batch.lossWeights(), shape), batch.predictedTokens());
                collector.backward(loss);
            }
            float[] gradient = logits.getGradient().toFloatArray();
            for (int position = 0; position < batch.batchSize() * batch.length(); position++) {
                double magnitude = 0;
                for (int v = 0; v < CONFIG.vocabSize(); v++) {
                    magnitude += Math.abs(gradient[position * CONFIG.vocabSize() + v]);
                }
                if (batch.lossWeights()[position] == 0) {
                    assertEquals(0.0, magnitude, "position " + position + " is prompt or padding");
                    continue;
                }
                // Closed form of the mean cross-entropy's gradient: (softmax - one-hot) / N.
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < CONFIG.vocabSize(); v++) {
                    max = Math.max(max, values[position * CONFIG.vocabSize() + v]);
                }
                double sum = 0;
                for (int v = 0; v < CONFIG.vocabSize(); v++) {
                    sum += Math.exp(values[position * CONFIG.vocabSize() + v] - max);
                }
                for (int v = 0; v < CONFIG.vocabSize(); v++) {
                    double softmax = Math.exp(values[position * CONFIG.vocabSize() + v] - max) / sum;
                    double expected = (softmax - (v == batch.targets()[position] ? 1 : 0)) / batch.predictedTokens();
                    assertEquals(expected, gradient[position * CONFIG.vocabSize() + v], 1e-6,
                            "position " + position + " token " + v);
                }
            }
        }
    }

    @Test
    void schedulesFollowTheirFormulas() {
        // Warm-up of 10 steps out of 110, then 100 decay steps to a floor of 0.1.
        assertEquals(0.0, LearningRateSchedule.COSINE.rate(1, 0.1, 0, 10, 110));
        assertEquals(0.5, LearningRateSchedule.COSINE.rate(1, 0.1, 5, 10, 110), 1e-12);
        assertEquals(1.0, LearningRateSchedule.COSINE.rate(1, 0.1, 10, 10, 110), 1e-12);
        assertEquals(0.55, LearningRateSchedule.COSINE.rate(1, 0.1, 60, 10, 110), 1e-12, "half-way: (1 + 0.1) / 2");
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), LearningRateSchedule.COSINE.rate(1, 0.1, 35, 10,
                110), 1e-12);
        assertEquals(0.55, LearningRateSchedule.LINEAR.rate(1, 0.1, 60, 10, 110), 1e-12);
        assertEquals(0.1 + 0.9 * 0.75, LearningRateSchedule.LINEAR.rate(1, 0.1, 35, 10, 110), 1e-12);
        assertEquals(2.0, LearningRateSchedule.CONSTANT.rate(2, 0.1, 100, 10, 110));
        assertEquals(LearningRateSchedule.COSINE, LearningRateSchedule.parse(" Cosine "));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step"));
    }

    /** Copies a state whose tensors are live views into one that owns its tensors. */
    private static TrainingState copyOf(TrainingState live) {
        return new TrainingState(live.step(), live.totalSteps(), live.seed(), live.epoch(), live.nextBatch(),
                live.logs(), copyOf(live.weights()), copyOf(live.firstMoments()), copyOf(live.secondMoments()));
    }

    private static TensorSource copyOf(TensorSource source) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        source.names().forEach(name -> tensors.put(name, source.read(name)));
        return new InMemoryTensors(tensors);
    }

    /** Trains from {@code weightSeed}'s random weights, optionally resumed, and returns the final weights. */
    private static Map<String, float[]> trainResumable(TrainingConfig config, long weightSeed, TrainingState resume,
            Map<Long, TrainingState> states, List<StepLog> logs) {
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(randomWeights(weightSeed)),
                Device.cpu(), DataType.FLOAT32)) {
            SftBatches batches = new SftBatches(examples(), config.batchSize(), 31, config.seed());
            logs.addAll(new SftTrainer(model, config).train(batches::epoch, null, resume,
                    states == null ? null : live -> states.put(live.step(), copyOf(live))));
            Map<String, float[]> weights = new LinkedHashMap<>();
            model.parameters().keySet().forEach(name -> weights.put(name, model.weight(name).data()));
            return weights;
        }
    }

    @Test
    void resumeMatchesUninterruptedRun() {
        // 8 examples in batches of 3: 3 micro-batches per epoch, so with 2 per step each epoch ends
        // with a partial group of 1, and 7 steps span 4 epochs. Warm-up and cosine decay make the
        // learning rate depend on the step; weight decay makes it depend on the weights.
        TrainingConfig config = new TrainingConfig(1e-2, 0.1, LearningRateSchedule.COSINE, 0.2, 0.9, 0.999, 1e-8, 0.01,
                3, 2, 1, 7, 1.0, 7, 1000, 1);
        Map<Long, TrainingState> states = new TreeMap<>();
        List<StepLog> uninterruptedLogs = new ArrayList<>();
        Map<String, float[]> uninterrupted = trainResumable(config, 3, null, states, uninterruptedLogs);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), List.copyOf(states.keySet()), "a state after every step but the last");

        // Step 4 ends epoch 1 (steps 3 and 4 take micro-batches 0-1 and 2); step 5 is mid-epoch 2.
        TrainingState epochEnd = states.get(4L);
        TrainingState midEpoch = states.get(5L);
        assertEquals(List.of(2, 0), List.of(epochEnd.epoch(), epochEnd.nextBatch()));
        assertEquals(List.of(2, 2), List.of(midEpoch.epoch(), midEpoch.nextBatch()));

        // Each resumes in a fresh model with other weights, which the state must overwrite.
        for (TrainingState state : List.of(epochEnd, midEpoch)) {
            List<StepLog> resumedLogs = new ArrayList<>();
            Map<String, float[]> resumed = trainResumable(config, 99, state, null, resumedLogs);
            uninterrupted.forEach((name, values) -> assertArrayEquals(values, resumed.get(name),
                    name + " after resuming at step " + state.step()));
            assertEquals(uninterruptedLogs, resumedLogs, "step logs after resuming at step " + state.step());
        }
    }

    @Test
    void float64WeightsFailBeforeFirstStep() {
        TrainingConfig config = new TrainingConfig(1e-2, 0, LearningRateSchedule.CONSTANT, 0, 0.9, 0.999, 1e-8, 0, 4,
                1, 1, 3, 1.0, 7, 1000, 1);
        try (DecoderModel model = DecoderModel.load(CONFIG, new InMemoryTensors(randomWeights(3)), Device.cpu(),
                DataType.FLOAT64)) {
            SftBatches batches = new SftBatches(examples(), config.batchSize(), 31, config.seed());
            List<StepLog> steps = new ArrayList<>();
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> new SftTrainer(model,
                    config).train(batches::epoch, steps::add, null, state -> { }));
            assertTrue(error.getMessage().contains("float64"), error.getMessage());
            assertTrue(error.getMessage().contains("stateEvery"), error.getMessage());
            assertEquals(List.of(), steps, "no step is trained");
        }
    }
}
