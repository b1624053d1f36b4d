package io.github.safetyspaces.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.io.ScratchMount;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes, and two threads in each, sharing one SVD cache; corrupt entries; locks of killed processes. */
class SvdCacheConcurrencyTest {

    private static final int ENTRIES = 12;

    @TempDir
    Path temporary;

    @Test
    void twoProcessesComputeEachSvdOnce() throws Exception {
        Path root = temporary.resolve("cache");
        Path go = temporary.resolve("go");
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Path ready = temporary.resolve("ready-" + p);
            Path out = temporary.resolve("out-" + p);
            outputs.add(out);
            processes.add(start(temporary.resolve("log-" + p), "compute", root.toString(), ready.toString(),
                    go.toString(), out.toString(), Integer.toString(ENTRIES)));
        }
        // Both JVMs start computing at the same moment, so that they ask for the same entries at once.
        awaitFile(temporary.resolve("ready-0"), processes.get(0));
        awaitFile(temporary.resolve("ready-1"), processes.get(1));
        Files.createFile(go);
        for (int p = 0; p < 2; p++) {
            assertTrue(processes.get(p).waitFor(180, TimeUnit.SECONDS), "probe " + p + " did not finish");
            assertEquals(0, processes.get(p).exitValue(), "exit value of probe " + p + ", log:\n"
                    + Files.readString(temporary.resolve("log-" + p)));
        }

        int computed = 0;
        List<Set<String>> digestsByEntry = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            digestsByEntry.add(new HashSet<>());
        }
        int results = 0;
        for (Path out : outputs) {
            for (String line : Files.readAllLines(out)) {
                String[] fields = line.split(" ");
                if (fields[0].equals("computed")) {
                    computed += Integer.parseInt(fields[1]);
                } else {
                    digestsByEntry.get(Integer.parseInt(fields[1])).add(fields[2]);
                    results++;
                }
            }
        }
        assertEquals(4 * ENTRIES, results, "every thread of both processes returned every entry");
        assertEquals(ENTRIES, computed, "each SVD is computed once across 2 processes x 2 threads");
        for (int i = 0; i < ENTRIES; i++) {
            assertEquals(1, digestsByEntry.get(i).size(), "all four callers got the same SVD of entry " + i);
        }
        Svd fresh = Svd.compute(SvdCacheProbe.matrixOf(3).get(), SvdCache.PRECISION, SvdVectors.LEFT);
        assertEquals(Set.of(SvdCacheProbe.digest(fresh)), digestsByEntry.get(3),
                "the shared result equals an SVD computed here");
    }

    @Test
    void corruptEntryWarnsAndRecomputes() throws IOException {
        Path root = temporary.resolve("cache");
        AtomicInteger builds = new AtomicInteger();
        new SvdCache(root).leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                counting(builds));
        Path file = root.resolve("key").resolve("entry.safetensors");

        // Flip the bits of four bytes in the middle of the data section, where no parser can notice.
        byte[] bytes = Files.readAllBytes(file);
        int middle = bytes.length - bytes.length / 3;
        for (int i = 0; i < 4; i++) {
            bytes[middle + i] ^= (byte) 0xff;
        }
        Files.write(file, bytes);

        SvdCache second = new SvdCache(root);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        Svd recomputed;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            recomputed = second.leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                    counting(builds));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertTrue(log.contains("WARN"), log);
        assertTrue(log.contains(file.toString()), "the warning names the entry file: " + log);
        assertTrue(log.contains("corrupt"), log);
        assertEquals(2, builds.get(), "the corrupt entry was computed again");
        assertEquals(1, second.computedCount());
        Svd fresh = Svd.compute(SvdCacheProbe.matrixOf(0).get(), SvdCache.PRECISION, SvdVectors.LEFT);
        assertEquals(SvdCacheProbe.digest(fresh), SvdCacheProbe.digest(recomputed));

        SvdCache third = new SvdCache(root);
        Svd reread = third.leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                counting(builds));
        assertEquals(1, third.reusedCount(), "the replaced entry is valid again");
        assertEquals(SvdCacheProbe.digest(fresh), SvdCacheProbe.digest(reread));
    }

    @Test
    void lockOfKilledProcessDoesNotBlock() throws Exception {
        Path root = temporary.resolve("cache");
        Path lockFile = SvdCache.lockFile(root.resolve("key").resolve("entry.safetensors"));
        Path ready = temporary.resolve("ready");
        Process holder = start(temporary.resolve("log"), "hold", lockFile.toString(), ready.toString());
        CompletableFuture<Svd> waiting;
        try {
            awaitFile(ready, holder);

            // While the holder lives, the OS lock keeps a caller of the same entry waiting.
            AtomicInteger builds = new AtomicInteger();
            waiting = CompletableFuture.supplyAsync(() -> new SvdCache(root).leftSvd("key", "entry", List.of("w"),
                    SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS, counting(builds)));
            Thread.sleep(1000);
            assertFalse(waiting.isDone(), "the lock of a live process is respected");
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        // SIGKILL gives the holder no chance to unlock or delete, yet the lock is gone with the process.
        assertTrue(Files.exists(lockFile), "the killed process left its lock file");
        Svd svd = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(SvdCacheProbe.COLUMNS, svd.singularValueCount());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            assertTrue(channel.tryLock() != null, "nobody holds the stale lock file");
        }
    }

    @Test
    void readOnlyCacheServesItsEntries() throws Exception {
        Path root = temporary.resolve("cache");
        AtomicInteger builds = new AtomicInteger();
        try (ScratchMount mount = ScratchMount.ofSize(root, 1024)) {
            new SvdCache(root).leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                    counting(builds));
            mount.remountReadOnly();

            SvdCache readOnly = new SvdCache(root);
            readOnly.leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                    counting(builds));
            UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> readOnly.leftSvd("key",
                    "other", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS, counting(builds)));

            assertEquals(1, readOnly.reusedCount(), "the cached entry is read without a lock");
            assertEquals(1, builds.get(), "the missing entry fails before its matrix is built");
            assertTrue(error.getMessage().contains(SvdCache.lockFile(root.resolve("key").resolve("other.safetensors"))
                    .toString()), error.getMessage());
        }
    }

    @Test
    void symlinkedFolderSharesEntryLock() throws Exception {
        Path root = Files.createDirectories(temporary.resolve("cache"));
        Path link = Files.createSymbolicLink(temporary.resolve("link"), root);
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch bothStarted = new CountDownLatch(2);
        // The build waits, so the second thread requests the lock while the first has it.
        Supplier<FloatMatrix> slow = () -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return counting(builds).get();
        };

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Svd>> calls = new ArrayList<>();
            for (Path folder : List.of(root, link)) {
                SvdCache cache = new SvdCache(folder);
                calls.add(threads.submit(() -> {
                    bothStarted.countDown();
                    bothStarted.await();
                    return cache.leftSvd("key", "entry", List.of("w"), SvdCacheProbe.ROWS, SvdCacheProbe.COLUMNS,
                            slow);
                }));
            }
            for (Future<Svd> call : calls) {
                call.get(120, TimeUnit.SECONDS); // an OverlappingFileLockException would surface here
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, builds.get(), "the entry is computed once, by the thread that got the lock first");
    }

    private static Supplier<FloatMatrix> counting(AtomicInteger builds) {
        return () -> {
            builds.incrementAndGet();
            return SvdCacheProbe.matrixOf(0).get();
        };
    }

    private static Process start(Path log, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dai.djl.offline=true", "-cp", classPath,
                SvdCacheProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        return builder.start();
    }

    private static void awaitFile(Path file, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            assertTrue(process.isAlive(), "the probe exited before creating " + file);
            assertTrue(System.nanoTime() < deadline, "no " + file + " after 60 s");
            Thread.sleep(10);
        }
    }
}
