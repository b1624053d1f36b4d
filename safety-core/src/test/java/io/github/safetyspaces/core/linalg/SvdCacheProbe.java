package io.github.safetyspaces.core.linalg;

import io.github.safetyspaces.core.io.InterProcessLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The other process of {@link SvdCacheConcurrencyTest}, started in a fresh JVM.
 *
 * <p>{@code compute ROOT READY GO OUT ENTRIES}: creates READY, waits for GO, then runs two threads, each
 * with its own {@link SvdCache} over ROOT, that ask for the same ENTRIES entries in the same order. Writes
 * one line per thread and entry, {@code <thread> <entry> <digest of the SVD>}, and one line
 * {@code computed <count>} per thread to OUT.
 *
 * <p>{@code hold LOCKFILE READY}: takes the lock of LOCKFILE, creates READY and sleeps until killed.
 */
public final class SvdCacheProbe {

    /** Rows of every probe matrix; large enough that one SVD takes milliseconds, so the callers overlap. */
    static final int ROWS = 160;

    /** Columns of every probe matrix. */
    static final int COLUMNS = 120;

    private SvdCacheProbe() {
    }

    /**
     * Runs the mode named by the first argument.
     *
     * @param args the mode and its arguments, as described on the class
     * @throws Exception when a file cannot be written or a thread fails
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            InterProcessLock lock = InterProcessLock.acquire(Path.of(args[1]), "probe");
            Files.createFile(Path.of(args[2]));
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            lock.close();
            return;
        }

        Path root = Path.of(args[1]);
        Path ready = Path.of(args[2]);
        Path go = Path.of(args[3]);
        Path out = Path.of(args[4]);
        int entries = Integer.parseInt(args[5]);
        Files.createFile(ready);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No " + go + " after 120 s");
            }
            Thread.sleep(5);
        }

        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 2; t++) {
            String name = ProcessHandle.current().pid() + "-" + t;
            Thread thread = new Thread(() -> {
                SvdCache cache = new SvdCache(root);
                for (int i = 0; i < entries; i++) {
                    Svd svd = cache.leftSvd("key", "entry-" + i, List.of("w" + i), ROWS, COLUMNS, matrixOf(i));
                    lines.add(name + " " + i + " " + digest(svd));
                }
                lines.add("computed " + cache.computedCount());
            });
            thread.setUncaughtExceptionHandler((failed, error) -> failures.add(error));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("A probe thread failed", failures.get(0));
        }
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    /** Returns a supplier of the probe matrix of entry {@code i}, the same in every process. */
    static Supplier<FloatMatrix> matrixOf(int i) {
        return () -> (FloatMatrix) Reference.toMatrix(Reference.gaussian(ROWS, COLUMNS, new Random(1000 + i)),
                Precision.FLOAT32);
    }

    /** Hashes the singular values and U bit for bit. */
    static String digest(Svd svd) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder text = new StringBuilder();
        for (double value : svd.singularValues()) {
            text.append(Double.doubleToRawLongBits(value)).append(',');
        }
        for (float value : ((FloatMatrix) svd.u()).data()) {
            text.append(Float.floatToRawIntBits(value)).append(',');
        }
        return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
