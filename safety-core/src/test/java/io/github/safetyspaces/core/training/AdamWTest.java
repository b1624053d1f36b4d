package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.safetyspaces.core.engine.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void updatesMatchFloat64Reference() {
        int size = 6;
        Random random = new Random(3);
        double[] start = random.doubles(size, -1, 1).toArray();
        double[][] constants = new double[4][];
        for (int i = 0; i < constants.length; i++) {
            constants[i] = random.doubles(size, -2, 2).toArray();
        }
        double[] rates = {0.1, 0.05, 0.02, 0.01};
        double beta1 = 0.9;
        double beta2 = 0.95;
        double epsilon = 1e-8;
        double decay = 0.1;

        // Reference: the loss sum(c * w) + 0.5 * sum(w^2) has gradient c + w.
        double[] expected = start.clone();
        double[] m = new double[size];
        double[] v = new double[size];
        for (int t = 1; t <= rates.length; t++) {
            for (int i = 0; i < size; i++) {
                double g = constants[t - 1][i] + expected[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                expected[i] -= rates[t - 1] * decay * expected[i];
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                expected[i] -= rates[t - 1] * mHat / (Math.sqrt(vHat) + epsilon);
            }
        }

        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray weight = manager.create(start, new Shape(size));
            weight.setRequiresGradient(true);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("w", weight);
            try (AdamW optimizer = new AdamW(weights, manager, beta1, beta2, epsilon, decay)) {
                for (int t = 0; t < rates.length; t++) {
                    try (NDManager scope = manager.newSubManager()) {
                        Gradients.zero(weights, scope);
                        try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                            NDArray c = scope.create(constants[t], new Shape(size));
                            NDArray half = scope.create(0.5);
                            NDArray loss = weight.mul(c).sum().add(weight.mul(weight).sum().mul(half));
                            collector.backward(loss);
                        }
                    }
                    optimizer.update(rates[t]);
                }
                assertEquals(rates.length, optimizer.steps());
            }
            double[] actual = weight.toDoubleArray();
            for (int i = 0; i < size; i++) {
                assertEquals(expected[i], actual[i], 1e-12, "weight " + i);
            }
        }
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        try (NDManager manager = Engines.pytorch().newBaseManager();
                NDManager scope = manager.newSubManager()) {
            NDArray a = manager.create(new double[] {3, 0});
            NDArray b = manager.create(new double[] {0, 4});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> weights = Map.of("a", a, "b", b);
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray half = scope.create(0.5);
                collector.backward(a.mul(a).sum().add(b.mul(b).sum()).mul(half)); // gradients (3, 0) and (0, 4)
            }
            double norm = Gradients.globalNorm(weights, scope);
            assertEquals(5.0, norm, 1e-12);
            Gradients.clip(weights, norm, 1.0, scope);
            assertEquals(1.0, Gradients.globalNorm(weights, scope), 1e-6);
            assertEquals(0.6, a.getGradient().getDouble(0), 1e-6, "direction kept");
            Gradients.zero(weights, scope);
            assertEquals(0.0, Gradients.globalNorm(weights, scope));
        }
    }
}
