package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a lock file, held against other threads of this JVM and against other processes.
 *
 * <p>The operating system's file lock ({@link FileChannel#lock()}) belongs to the whole JVM, so two threads
 * of one JVM (Maven's {@code -T 2} runs goals in threads) would not exclude each other through it, and
 * Java throws when one JVM locks a file twice. Each lock file therefore also has a {@link ReentrantLock}
 * shared by every thread of this JVM, taken first.
 *
 * <p>The OS releases a file lock when its process ends, however it ends, so a lock file left behind by a
 * killed process blocks no other process. Lock files are never deleted: deleting one while another process waits
 * on it would let a third process lock a new file of the same name.
 *
 * <p>NOTE: on NFS, Java's file locks are POSIX {@code fcntl} locks, which work only where the server
 * and clients run a lock manager; elsewhere two hosts may both get the lock.
 */
public final class InterProcessLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InterProcessLock.class);

    /** The in-JVM locks by absolute lock file path; one per lock file ever used, which is a few thousand at most. */
    private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private InterProcessLock(Path file, ReentrantLock local, FileChannel channel, FileLock lock) {
        this.file = file;
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits until this thread holds the lock of {@code lockFile}, creating the file and its folder if
     * missing. Logs a line when it has to wait.
     *
     * @param lockFile the lock file, for example a hidden sibling of the file it protects
     * @param purpose what the lock protects, for the log line
     * @return the lock; close it to release
     * @throws IllegalStateException if this thread already holds this lock
     * @throws UncheckedIOException naming the lock file when it cannot be created or locked
     */
    public static InterProcessLock acquire(Path lockFile, String purpose) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = LOCAL.computeIfAbsent(key, path -> new ReentrantLock());
        if (local.isHeldByCurrentThread()) {
            throw new IllegalStateException("The lock " + key + " is already held by this thread; close it before"
                    + " acquiring it again.");
        }

        // Other threads of this JVM first: they share one OS lock, so only one of them may ask for it.
        if (!local.tryLock()) {
            LOG.info("Waiting for another thread of this JVM to release {} ({})", key, purpose);
            local.lock();
        }

        // Then other processes.
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                LOG.info("Waiting for another process to release {} ({})", key, purpose);
                lock = channel.lock();
            }
            return new InterProcessLock(key, local, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            local.unlock();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Cannot create or lock " + key + " (" + purpose + "): " + e
                        + "; check that its folder is writable.", io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Returns the lock file, absolute. */
    public Path file() {
        return file;
    }

    /** Releases the lock: first for other processes, then for other threads of this JVM. */
    @Override
    public void close() {
        try {
            // Closing the channel releases the OS lock even when release() failed.
            try (channel) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.warn("Cannot release the lock {} cleanly: {}", file, e.toString());
        } finally {
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel, Exception failure) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
