package io.github.safetyspaces.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {

    @Test
    void pytorchStartsOfflineAndComputes() {
        var engine = Engines.pytorch();
        assertEquals("true", System.getProperty(Engines.OFFLINE_PROPERTY));
        try (NDManager manager = engine.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray product = a.matMul(a);
            assertEquals(7f, product.getFloat(0, 0));
            assertEquals(22f, product.getFloat(1, 1));
        }
    }

    @Test
    void cpuDeviceNeedsNoGpuQuery() {
        assertEquals(Device.cpu(), ComputeDevice.parse("CPU").toDjl());
        assertEquals(ComputeDevice.AUTO, ComputeDevice.parse(null));
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ComputeDevice.parse("tpu"));
        assertTrue(error.getMessage().contains("'tpu'"), error.getMessage());
    }

    @Test
    void missingNativeLibraryFailsWithFix(@TempDir Path emptyCache) throws IOException, InterruptedException {
        // A JVM without the native jar and with an empty DJL cache: offline, DJL cannot find libtorch.
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutNative = Arrays.stream(testClassPath.split(File.pathSeparator))
                .filter(entry -> !entry.contains("pytorch-native-"))
                .collect(Collectors.joining(File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-cp", withoutNative,
                EngineProbe.class.getName()));
        builder.environment().put("DJL_CACHE_DIR", emptyCache.toString());
        builder.environment().put("ENGINE_CACHE_DIR", emptyCache.toString());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.environment().remove("PYTORCH_LIBRARY_PATH");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(3, process.exitValue(), output);
        assertTrue(output.contains("Failed to load the native libtorch library"), output);
        assertTrue(output.contains("pytorch-native-cpu"), "the message names the missing jar: " + output);
    }
}
