package io.github.safetyspaces.core.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs mounted on an empty folder for one test: tiny to fill it, or read-only. Mounting needs root;
 * without it, or without the {@code mount} command, the test is aborted with the reason. Close it in a
 * finally block or try-with-resources, which unmounts it.
 */
public final class ScratchMount implements AutoCloseable {

    private final Path folder;

    private ScratchMount(Path folder) {
        this.folder = folder;
    }

    /** Returns whether this process runs as root, which mounting and ignoring file modes both need. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Mounts a tmpfs of {@code kilobytes} KiB on {@code folder}, creating the folder.
     *
     * @param folder an empty folder
     * @param kilobytes the size limit
     * @return the mount
     * @throws Exception when a command cannot run; a failed mount aborts the test instead
     */
    public static ScratchMount ofSize(Path folder, int kilobytes) throws Exception {
        Files.createDirectories(folder);
        mount(folder, "size=" + kilobytes + "k");
        return new ScratchMount(folder);
    }

    /**
     * Mounts an empty read-only tmpfs on {@code folder}, creating the folder.
     *
     * @param folder an empty folder
     * @return the mount
     * @throws Exception when a command cannot run; a failed mount aborts the test instead
     */
    public static ScratchMount readOnly(Path folder) throws Exception {
        Files.createDirectories(folder);
        mount(folder, "ro");
        return new ScratchMount(folder);
    }

    /** Returns the mounted folder. */
    public Path folder() {
        return folder;
    }

    /**
     * Makes the mounted folder read-only, keeping what was written to it.
     *
     * @throws Exception when the remount fails
     */
    public void remountReadOnly() throws Exception {
        String output = run("mount", "-o", "remount,ro", folder.toString());
        if (output != null) {
            throw new IllegalStateException("Cannot remount " + folder + " read-only: " + output);
        }
    }

    /**
     * Unmounts the folder. A file mapped by {@code SafetensorsFile} stays mapped until the garbage collector
     * frees its buffer, which keeps the mount busy, so a busy mount is retried after a collection and at
     * last detached lazily. An error here fails the test, since the mount would outlive it.
     */
    @Override
    public void close() throws Exception {
        String output = run("umount", folder.toString());
        for (int attempt = 0; output != null && attempt < 5; attempt++) {
            System.gc();
            Thread.sleep(200);
            output = run("umount", folder.toString());
        }
        if (output != null) {
            output = run("umount", "-l", folder.toString());
        }
        if (output != null) {
            throw new IllegalStateException("Cannot unmount " + folder + "; unmount it by hand: " + output);
        }
    }

    private static void mount(Path folder, String options) throws Exception {
        assumeTrue(isRoot(), "mounting a tmpfs needs root, and this test runs as " + System.getProperty("user.name"));
        String output;
        try {
            output = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", folder.toString());
        } catch (IOException e) {
            output = "cannot run mount: " + e.getMessage();
        }
        assumeTrue(output == null, "mount -t tmpfs -o " + options + " failed: " + output);
    }

    /** Runs a command; returns null when it succeeds, else its exit value and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", line) + " timed out after 30 s";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : "exit value " + process.exitValue() + ": " + output;
    }
}
