package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
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
 * <p>The in-JVM lock is keyed by the real path of the lock file's folder, so two paths that reach one
 * file through a symbolic link share it; otherwise the second thread would ask the JVM for a file lock
 * it already holds and get an {@link java.nio.channels.OverlappingFileLockException}.
 *
 * <p>NOTE: on NFS, Java's file locks are POSIX {@code fcntl} locks, which work only where the server
 * and clients run a lock manager. Without one, {@code fcntl} fails with "No locks available"
 * ({@code ENOLCK}); the lock then excludes only the threads of this JVM, with a warning, and two hosts
 * may both hold it.
 */
public final class InterProcessLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InterProcessLock.class);

    /**
     * The in-JVM locks by lock file path, with the folder's real path; one per lock file ever used, which
     * is a few thousand at most.
     */
    private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    /** The message of {@code ENOLCK}, which Java's file lock reports as an IOException without a subtype. */
    private static final String NO_LOCKS_AVAILABLE = "No locks available";

    /** Milliseconds between attempts to take an OS lock that another process holds. */
    private static final long POLL_MILLIS = 20;

    /** Folders whose file system has no lock manager, warned about once each. */
    private static final Set<Path> WARNED_NO_LOCKS = ConcurrentHashMap.newKeySet();

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
     * @throws UncheckedIOException naming the lock file when it or its folder cannot be created, or it
     *     cannot be locked for another reason than a file system without lock manager
     */
    public static InterProcessLock acquire(Path lockFile, String purpose) {
        Path key = realPath(lockFile.toAbsolutePath().normalize(), purpose);
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
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
                if (lock == null) {
                    LOG.info("Waiting for another process to release {} ({})", key, purpose);
                    lock = pollForLock(channel, key);
                }
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains(NO_LOCKS_AVAILABLE)) {
                    throw e;
                }
                // NFS without a lock manager: exclude this JVM's threads, and warn that hosts are not excluded.
                if (WARNED_NO_LOCKS.add(key.getParent())) {
                    LOG.warn("The file system of {} cannot lock files ({}); {} is locked only against the threads"
                            + " of this JVM, so another host may do the same work at the same time. Run a lock"
                            + " manager on the NFS server and clients, or use a local folder.", key.getParent(),
                            e.getMessage(), purpose);
                }
                lock = null;
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
                if (lock != null) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot release the lock {} cleanly: {}", file, e.toString());
        } finally {
            local.unlock();
        }
    }

    /**
     * Waits for the OS lock by polling with {@link FileChannel#tryLock()} instead of a blocking
     * {@link FileChannel#lock()}. Linux assigns POSIX locks to processes, not threads, so a blocking
     * wait in one thread while another thread of this JVM holds a lock that the other process waits
     * for looks like a deadlock to the kernel, which then fails with "Resource deadlock avoided"
     * ({@code EDEADLK}). A non-blocking attempt is never checked for deadlocks.
     */
    private static FileLock pollForLock(FileChannel channel, Path key) throws IOException {
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the lock " + key);
            }
        }
    }

    /**
     * Returns the lock file's path with its folder's real path, creating the folder, so that every path
     * to one file gives one key.
     */
    private static Path realPath(Path lockFile, String purpose) {
        Path folder = lockFile.getParent();
        try {
            Files.createDirectories(folder);
            return folder.toRealPath().resolve(lockFile.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the folder " + folder + " of the lock file " + lockFile
                    + " (" + purpose + "): " + e + "; check that it is a writable folder.", e);
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
