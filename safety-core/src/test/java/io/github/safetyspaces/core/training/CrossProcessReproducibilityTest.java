package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.embedded.EmbeddedDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains in two separate JVMs with the same seed and compares the checkpoints byte for byte.
 *
 * <p>Within one JVM, runs can agree by accident: the same memory layout and thread timing recur.
 * Separate processes expose kernels whose result depends on thread timing, such as the backward
 * pass of tensor indexing, which adds into the embedding gradient with atomic float adds.
 */
class CrossProcessReproducibilityTest {

    @TempDir
    Path temporary;

    @Test
    void twoProcessesWriteIdenticalWeights() throws IOException, InterruptedException {
        Path base = SharedData.require("models/stories260K/stories260K.bin");
        Path data = temporary.resolve("data");
        EmbeddedDatasets.write(data, 1);

        Path first = train(base, data, "first");
        Path second = train(base, data, "second");

        byte[] firstWeights = Files.readAllBytes(first.resolve("model.safetensors"));
        assertArrayEquals(firstWeights, Files.readAllBytes(second.resolve("model.safetensors")),
                "same seed, same inputs, two processes");
        assertTrue(Files.readAllLines(first.resolve(TrainingLogCsv.FILE_NAME)).size() > FinetuneProbe.STEPS,
                "the probe must have logged every step");
    }

    /** Runs {@link FinetuneProbe} in a fresh JVM and returns its output. */
    private Path train(Path base, Path data, String name) throws IOException, InterruptedException {
        Path output = temporary.resolve(name);
        ProbeJvm.run(temporary.resolve(name + ".log"), base.toString(), data.toString(), output.toString());
        return output;
    }
}
