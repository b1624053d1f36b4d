package io.github.safetyspaces.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Samples this process's resident memory from {@code /proc/self/status} on a daemon thread and
 * keeps the peak of each part: anonymous memory (Java heap, native buffers, LAPACK workspace) and
 * file-backed memory (pages of memory-mapped checkpoints). {@code /usr/bin/time -v} reports only
 * their sum's peak, and the split shows which part a gap comes from. Linux only.
 */
public final class ResidentMemory implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long INTERVAL_MILLIS = 50;

    private final Thread sampler;
    private volatile boolean running = true;
    private long peakTotal;
    private long peakAnonymous;
    private long peakFile;

    /** Starts sampling. */
    public ResidentMemory() {
        sampler = new Thread(this::sampleUntilClosed, "resident-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sampleUntilClosed() {
        while (running) {
            sample();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void sample() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    peakTotal = Math.max(peakTotal, kilobytes(line));
                } else if (line.startsWith("RssAnon:")) {
                    peakAnonymous = Math.max(peakAnonymous, kilobytes(line));
                } else if (line.startsWith("RssFile:")) {
                    peakFile = Math.max(peakFile, kilobytes(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + STATUS + "; this sampler needs Linux: " + e.getMessage(), e);
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /**
     * Returns the peaks, each sampled on its own, so they need not add up to the total.
     *
     * @return {@code rss_peak_kb=... rss_anon_peak_kb=... rss_file_peak_kb=...}
     */
    public synchronized String summary() {
        return String.format(Locale.ROOT, "rss_peak_kb=%d rss_anon_peak_kb=%d rss_file_peak_kb=%d", peakTotal,
                peakAnonymous, peakFile);
    }

    /** Takes a last sample and stops. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        sample();
    }
}
