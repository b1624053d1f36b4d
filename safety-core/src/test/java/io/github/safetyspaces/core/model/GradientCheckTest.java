package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.engine.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares autograd gradients of a masked cross-entropy loss with central finite differences, in
 * float64, for a few elements of every weight. A wrong backward pass, such as the one DJL's
 * PyTorch engine produces for {@code mul(Number)}, shows up as a mismatch.
 */
class GradientCheckTest {

    private static final double STEP = 1e-6;

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.qwen2(), TinyModels.llamaTied(), TinyModels.llamaBiases());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(ModelConfig config) {
        // Two rows, the second left-padded by two positions; targets are arbitrary ids.
        long[] ids = {1, 5, 9, 3, 7, 0, 0, 4, 8, 6};
        long[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        long[] targets = {5, 9, 3, 7, 2, 0, 0, 8, 6, 2};
        try (DecoderModel model = DecoderModel.load(config,
                new InMemoryTensors(TinyModels.randomWeights(config, 3, 0.4)), Device.cpu(), DataType.FLOAT64)) {

            // Analytic gradients.
            Map<String, double[]> analytic = new LinkedHashMap<>();
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            try (NDManager scope = model.manager().newSubManager();
                    GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray loss = loss(model, scope, ids, mask, targets);
                collector.backward(loss);
                model.parameters().forEach((name, p) -> analytic.put(name, p.getGradient().toDoubleArray()));
            }
            model.parameters().values().forEach(p -> p.setRequiresGradient(false));

            // Central differences on three elements of every tensor.
            Random random = new Random(5);
            int checked = 0;
            for (Map.Entry<String, NDArray> entry : model.parameters().entrySet()) {
                NDArray parameter = entry.getValue();
                long[] shape = parameter.getShape().getShape();
                for (int trial = 0; trial < 3; trial++) {
                    int flat = random.nextInt((int) parameter.size());
                    NDIndex index = index(shape, flat);
                    double original = parameter.getDouble(indices(shape, flat));
                    parameter.set(index, original + STEP);
                    double plus = lossValue(model, ids, mask, targets);
                    parameter.set(index, original - STEP);
                    double minus = lossValue(model, ids, mask, targets);
                    parameter.set(index, original);

                    double numeric = (plus - minus) / (2 * STEP);
                    double gradient = analytic.get(entry.getKey())[flat];
                    assertEquals(numeric, gradient, 1e-6 * Math.max(1, Math.abs(numeric)),
                            entry.getKey() + " element " + flat);
                    checked++;
                }
            }
            assertEquals(3 * model.parameters().size(), checked);
            assertTrue(analytic.values().stream().allMatch(g -> java.util.Arrays.stream(g).anyMatch(v -> v != 0)),
                    "every weight receives some gradient");
        }
    }

    /** Mean cross-entropy over the real positions. */
    private static NDArray loss(DecoderModel model, NDManager scope, long[] ids, long[] mask, long[] targets) {
        int batch = 2;
        int length = ids.length / batch;
        int vocab = model.config().vocabSize();
        NDArray logits = model.forward(scope.create(ids, new Shape(batch, length)),
                scope.create(mask, new Shape(batch, length)), null, null);
        double[] oneHot = new double[ids.length * vocab];
        int real = 0;
        for (int i = 0; i < ids.length; i++) {
            if (mask[i] == 1) {
                oneHot[i * vocab + (int) targets[i]] = 1;
                real++;
            }
        }
        NDArray selection = scope.create(oneHot, new Shape(batch, length, vocab));
        NDArray count = scope.create((double) -real);
        return logits.logSoftmax(2).mul(selection).sum().div(count);
    }

    private static double lossValue(DecoderModel model, long[] ids, long[] mask, long[] targets) {
        try (NDManager scope = model.manager().newSubManager()) {
            return loss(model, scope, ids, mask, targets).getDouble();
        }
    }

    private static long[] indices(long[] shape, int flat) {
        long[] indices = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            indices[d] = rest % shape[d];
            rest /= shape[d];
        }
        return indices;
    }

    private static NDIndex index(long[] shape, int flat) {
        return new NDIndex(indices(shape, flat));
    }
}
