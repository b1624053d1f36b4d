package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link FinetuneProbe} in a fresh JVM with two libtorch threads, for the tests that compare
 * runs across processes.
 */
final class ProbeJvm {

    private ProbeJvm() {
    }

    /**
     * Starts a probe; its standard output and error go to {@code log}.
     *
     * @param log file for the JVM's output
     * @param arguments the probe's arguments
     * @return the running process
     */
    static Process start(Path log, String... arguments) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // Two intra-op threads even on a one-core machine: with one thread, every kernel is ordered
        // and a comparison across processes could not fail.
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", classPath,
                FinetuneProbe.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        return builder.start();
    }

    /**
     * Runs a probe to the end and checks that it succeeded.
     *
     * @param log file for the JVM's output
     * @param arguments the probe's arguments
     */
    static void run(Path log, String... arguments) throws IOException, InterruptedException {
        Process process = start(log, arguments);
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the training JVM did not finish in 300 s: " + log);
        }
        assertEquals(0, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
