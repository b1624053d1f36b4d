package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.embedded.EmbeddedDatasets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** Runs {@link FinetuneProbe} in a fresh JVM with two libtorch threads and returns its output. */
    private Path train(Path base, Path data, String name) throws IOException, InterruptedException {
        Path output = temporary.resolve(name);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // Two intra-op threads even on a one-core machine: with one thread, every kernel is ordered
        // and the test could not fail.
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", classPath,
                FinetuneProbe.class.getName(), base.toString(), data.toString(), output.toString()));
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.redirectErrorStream(true);
        Path log = temporary.resolve(name + ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "the training JVM did not finish: " + log);
        assertEquals(0, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        return output;
    }
}
