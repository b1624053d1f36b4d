package io.github.safetyspaces.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void pytorchStartsOfflineAndComputes() {
        var engine = Engines.pytorch();
        assertEquals("true", System.getProperty(Engines.OFFLINE_PROPERTY));
        try (NDManager manager = engine.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray product = a.matMul(a);
            assertEquals(7f, product.getFloat(0, 0));
            assertEquals(22f, product.getFloat(1, 1));
        }
    }
}
