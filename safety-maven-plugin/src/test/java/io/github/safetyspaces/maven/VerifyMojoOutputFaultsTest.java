package io.github.safetyspaces.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code verify} goal end to end on an experiment folder that it cannot write: a read-only or a full
 * tmpfs. Mounting needs root; elsewhere the tests are aborted with the reason.
 */
class VerifyMojoOutputFaultsTest {

    @TempDir
    Path temporary;

    @Test
    void readOnlyFolderFailsNamingThePath() throws Exception {
        Path folder = temporary.resolve("experiment");
        mount(folder, "size=1m");
        try {
            copyResults(folder);
            run("mount", "-o", "remount,ro", folder.toString());
            List<String> before = entries(folder);

            MojoExecutionException error = assertThrows(MojoExecutionException.class, () -> mojo(folder).execute());

            assertTrue(error.getMessage().contains(folder.toString()), error.getMessage());
            assertTrue(error.getMessage().contains("writable"), error.getMessage());
            assertEquals(before, entries(folder), "nothing was written");
        } finally {
            run("umount", folder.toString());
        }
    }

    @Test
    void fullFolderFailsAndLeavesNoPartialFile() throws Exception {
        Path folder = temporary.resolve("experiment");
        mount(folder, "size=64k");
        try {
            copyResults(folder);
            fill(folder.resolve("filler"));
            List<String> before = entries(folder);

            MojoExecutionException error = assertThrows(MojoExecutionException.class, () -> mojo(folder).execute());

            assertTrue(error.getMessage().contains(folder.toString()), error.getMessage());
            assertTrue(error.getMessage().contains("free space"), error.getMessage());
            assertEquals(before, entries(folder), "no summary, report, manifest or temporary");
        } finally {
            run("umount", folder.toString());
        }
    }

    private static VerifyMojo mojo(Path folder) throws ReflectiveOperationException {
        VerifyMojo mojo = new VerifyMojo();
        set(mojo, "outputDirectory", folder.toFile());
        set(mojo, "experiment", "tiny");
        return mojo;
    }

    private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    /** Copies the results of a tiny-reproduction run, as the other verify tests do. */
    private static void copyResults(Path folder) throws Exception {
        Path source = Path.of(VerifyMojoOutputFaultsTest.class.getResource("tiny").toURI());
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path copy = folder.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
    }

    /** Writes to {@code file} until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), "filled up: " + e);
        }
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.map(path -> folder.relativize(path).toString()).sorted().toList();
        }
    }

    private static void mount(Path folder, String options) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Files.createDirectories(folder);
        String failure;
        try {
            failure = runQuietly("mount", "-t", "tmpfs", "-o", options, "tmpfs", folder.toString());
        } catch (IOException e) {
            failure = "cannot run mount: " + e.getMessage();
        }
        assumeTrue(failure == null, "mount -t tmpfs -o " + options + " failed: " + failure);
    }

    private static void run(String... command) throws Exception {
        String failure = runQuietly(command);
        if (failure != null) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
        }
    }

    /** Runs a command; returns null when it succeeds, else its exit value and output. */
    private static String runQuietly(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out after 30 s";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : "exit value " + process.exitValue() + ": " + output;
    }
}
