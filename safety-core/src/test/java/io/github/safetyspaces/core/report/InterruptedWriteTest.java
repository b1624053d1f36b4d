package io.github.safetyspaces.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.updatespaces.UpdateSpaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that writes analysis results and verify outputs at random moments, and checks after each kill
 * that every file present is complete and that verification never passes on an incomplete set.
 */
class InterruptedWriteTest {

    private static final int KILLS = 10;

    /** Maximum wait between the start of the probe's first write and the kill, a few probe iterations. */
    private static final int MAX_DELAY_MILLIS = 1500;

    @TempDir
    Path temporary;

    @Test
    void killedWriterLeavesOnlyCompleteFiles() throws Exception {
        Path inputs = temporary.resolve("inputs");
        InterruptedWriteProbe.writeCheckpoints(inputs);
        UpdateSpaces.Result reference = InterruptedWriteProbe.writeOnce(inputs, temporary.resolve("reference"), 0);
        int overlapRows = CsvTable.read(reference.csv()).rows().size();
        int summaryRows = CsvTable.read(reference.summaryCsv()).rows().size();
        assertTrue(overlapRows > 0, "the reference run wrote overlap rows");
        assertTrue(summaryRows > 0, "the reference run wrote summary rows");

        Path output = temporary.resolve("out");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int incomplete = 0;
        int iterations = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            int delay = random.nextInt(MAX_DELAY_MILLIS);
            String context = "kill " + kill + " after " + delay + " ms (seed " + seed + ")";
            iterations += killAfter(inputs, output, delay, kill);

            boolean complete = checkTables(output, overlapRows, summaryRows, context);
            checkVerifyOutputs(output, context);
            checkSvdCache(output, context);
            Verification verification = Verification.run(output, InterruptedWriteProbe.expectations());
            assertEquals(complete, verification.passed(), context + ": verify passes exactly on complete tables");
            for (String message : messages(verification)) {
                assertTrue(message.contains("does not exist") || message.contains("exists without"),
                        context + ": verify reports only missing files, not " + message);
            }
            incomplete += complete ? 0 : 1;
        }
        System.out.println(KILLS + " kills after " + iterations + " complete probe iterations; " + incomplete
                + " kills left the tables incomplete (seed " + seed + ")");

        // A later run removes the temporaries left by the killed ones.
        Path planted = output.resolve("." + UpdateSpaces.CSV + ".tmp-" + UUID.randomUUID());
        Files.writeString(planted, "granularity,gro");
        FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path hidden : temporaries(output)) {
            Files.setLastModifiedTime(hidden, hourAgo);
        }
        InterruptedWriteProbe.writeOnce(inputs, output, 0);
        assertEquals(List.of(), temporaries(output), "no temporary is left after a complete run");
        assertTrue(Verification.run(output, InterruptedWriteProbe.expectations()).passed());
    }

    /**
     * Starts the probe, kills it with SIGKILL {@code delay} ms after its first write began, and returns how
     * many iterations it completed.
     */
    private int killAfter(Path inputs, Path output, int delay, int kill) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path ready = temporary.resolve("ready-" + kill);
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp", classPath,
                InterruptedWriteProbe.class.getName(), inputs.toString(), output.toString(), ready.toString());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.redirectErrorStream(true);
        Path log = temporary.resolve("log-" + kill);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready)) {
                assertTrue(process.isAlive(), "the probe exited early: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "the probe did not start in 60 s");
                Thread.sleep(5);
            }
            Thread.sleep(delay);
            assertTrue(process.isAlive(), "the probe failed: " + Files.readString(log));
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the probe did not die");
        }
        return (int) Files.readAllLines(log).stream().filter(line -> line.startsWith("Iteration ")).count();
    }

    /** Checks both tables that are present; returns whether both are. */
    private static boolean checkTables(Path output, int overlapRows, int summaryRows, String context) {
        Path overlaps = output.resolve(UpdateSpaces.CSV);
        Path summary = output.resolve(UpdateSpaces.SUMMARY_CSV);
        Set<String> overlapEtas = Files.exists(overlaps) ? etas(overlaps, overlapRows, context) : null;
        Set<String> summaryEtas = Files.exists(summary) ? etas(summary, summaryRows, context) : null;
        if (overlapEtas != null && summaryEtas != null) {
            assertEquals(overlapEtas, summaryEtas, context + ": both tables come from the same run");
        }
        return overlapEtas != null && summaryEtas != null;
    }

    /** Reads a table, checks that it has every row, and returns its distinct eta values. */
    private static Set<String> etas(Path file, int rows, String context) {
        CsvTable table = CsvTable.read(file);
        assertEquals(rows, table.rows().size(), context + ": every row of " + file.getFileName());
        Set<String> etas = new TreeSet<>();
        table.rows().forEach(row -> etas.add(row.get("eta")));
        assertEquals(2, etas.size(), context + ": the two etas of one iteration in " + file.getFileName());
        return etas;
    }

    /** Checks that the summary, the report and the manifest, where present, are whole. */
    private static void checkVerifyOutputs(Path output, String context) throws IOException {
        Path summary = output.resolve(ExperimentSummary.FILE_NAME);
        if (Files.exists(summary)) {
            String text = Files.readString(summary, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("# "), context + ": summary.md starts with its title");
            assertTrue(text.endsWith("\n"), context + ": summary.md ends with a full line");
        }
        Path report = output.resolve("report").resolve("index.html");
        if (Files.exists(report)) {
            assertTrue(Files.readString(report).endsWith("</html>\n"), context + ": whole report");
        }
        Path manifest = output.resolve(Manifest.FILE_NAME);
        if (Files.exists(manifest)) {
            String text = Files.readString(manifest);
            assertTrue(text.endsWith("\n"), context + ": whole manifest");
            for (String line : text.split("\n")) {
                assertTrue(line.matches("[0-9a-f]{64}  [^ ].*"), context + ": manifest line " + line);
            }
            assertTrue(text.contains("  report/index.html\n"), context + ": the manifest follows the report");
        }
    }

    /** Checks that every SVD cache entry present can be read whole. */
    private static void checkSvdCache(Path output, String context) throws IOException {
        Path cache = output.resolve("svd-cache");
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".safetensors")).toList()) {
                try (SafetensorsFile entry = SafetensorsFile.open(file)) {
                    assertEquals(2, entry.names().size(), context + ": " + file);
                    entry.read("u");
                    entry.read("s");
                }
            }
        }
    }

    private static List<String> messages(Verification verification) {
        List<String> messages = new ArrayList<>();
        verification.problems().forEach(problem -> messages.add(problem.message()));
        verification.failedExpectations().forEach(outcome -> messages.addAll(outcome.failures()));
        return messages;
    }

    /** Lists the hidden files and folders under the output, lock files of the SVD cache excepted. */
    private static List<Path> temporaries(Path output) throws IOException {
        try (Stream<Path> paths = Files.walk(output)) {
            return paths.filter(path -> path.getFileName().toString().startsWith("."))
                    .filter(path -> !path.getFileName().toString().endsWith(".lock"))
                    .sorted()
                    .toList();
        }
    }
}
