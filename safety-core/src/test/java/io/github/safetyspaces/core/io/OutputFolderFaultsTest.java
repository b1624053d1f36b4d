package io.github.safetyspaces.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.AtomicDirectory;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every atomic writer on a read-only folder, on a path through a regular file, and on a full file system:
 * the error names the path and what to do, and no partial file or temporary stays behind.
 */
class OutputFolderFaultsTest {

    /** Size of the full file system; every large write below needs several times more. */
    private static final int TINY_KILOBYTES = 64;

    @TempDir
    Path temporary;

    /** Makes a folder unwritable: a read-only tmpfs as root, whom file modes do not stop, else chmod. */
    private AutoCloseable unwritable(Path folder) throws Exception {
        if (ScratchMount.isRoot()) {
            return ScratchMount.readOnly(folder);
        }
        Files.createDirectories(folder);
        assertTrue(folder.toFile().setWritable(false, false), "chmod a-w " + folder);
        return () -> folder.toFile().setWritable(true, true);
    }

    private static String big(int kilobytes) {
        return "x".repeat(kilobytes * 1024);
    }

    private static Map<String, FloatTensor> tensors(int floats) {
        return Map.of("w", new FloatTensor(new long[] {floats}, new float[floats]));
    }

    /** Runs a write that must fail and checks the message names {@code path} and a next step. */
    private static void assertFailsNaming(Path path, Executable write) {
        UncheckedIOException error = assertThrows(UncheckedIOException.class, write);
        String message = error.getMessage();
        assertTrue(message.contains(path.toString()), "names " + path + ": " + message);
        assertTrue(message.contains("choose another") || message.contains("Check that"),
                "says what to do: " + message);
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(path -> !path.equals(folder)).map(path -> folder.relativize(path).toString())
                    .sorted().toList();
        }
    }

    @Test
    void readOnlyFolderRejectsEveryWriter() throws Exception {
        Path folder = temporary.resolve("read-only");
        try (AutoCloseable mount = unwritable(folder)) {
            assertFailsNaming(folder.resolve("table.csv"), () -> AtomicFiles.writeString(folder.resolve("table.csv"),
                    "a\n1\n"));
            Map<Path, String> group = new LinkedHashMap<>();
            group.put(folder.resolve("main.csv"), "a\n1\n");
            group.put(folder.resolve("part.csv"), "b\n2\n");
            assertFailsNaming(folder.resolve("main.csv"), () -> AtomicFiles.writeGroup(group));
            assertFailsNaming(folder.resolve("model.safetensors"), () -> SafetensorsWriter.write(
                    folder.resolve("model.safetensors"), tensors(4), SafetensorsDType.F32, Map.of()));
            assertFailsNaming(folder.resolve("checkpoint"), () -> AtomicDirectory.write(folder.resolve("checkpoint"),
                    directory -> AtomicFiles.writeString(directory.resolve("config.json"), "{}")));
            assertFailsNaming(folder.resolve("sub"), () -> AtomicFiles.createDirectories(folder.resolve("sub"),
                    "output folder"));
            assertEquals(List.of(), entries(folder));
        }
    }

    @Test
    void fileInPlaceOfFolderRejected() throws Exception {
        Path file = Files.writeString(temporary.resolve("results"), "a file, not a folder");

        assertFailsNaming(file.resolve("table.csv"), () -> AtomicFiles.writeString(file.resolve("table.csv"), "a\n"));
        assertFailsNaming(file.resolve("model.safetensors"), () -> SafetensorsWriter.write(
                file.resolve("model.safetensors"), tensors(4), SafetensorsDType.F32, Map.of()));
        assertFailsNaming(file.resolve("checkpoint"), () -> AtomicDirectory.write(file.resolve("checkpoint"),
                directory -> AtomicFiles.writeString(directory.resolve("config.json"), "{}")));
        UncheckedIOException error = assertThrows(UncheckedIOException.class,
                () -> AtomicFiles.createDirectories(file.resolve("sub"), "output folder"));
        assertTrue(error.getMessage().contains("not a file"), error.getMessage());
        assertEquals(List.of("results"), entries(temporary));
    }

    @Test
    void fullFileSystemKeepsOldFiles() throws Exception {
        Path folder = temporary.resolve("full");
        try (ScratchMount mount = ScratchMount.ofSize(folder, TINY_KILOBYTES)) {
            AtomicFiles.writeString(folder.resolve("table.csv"), "old\n");
            Files.createDirectories(folder.resolve("checkpoint"));
            Files.writeString(folder.resolve("checkpoint").resolve("config.json"), "{\"old\": true}");
            List<String> before = entries(folder);

            assertFailsNaming(folder.resolve("table.csv"), () -> AtomicFiles.writeString(folder.resolve("table.csv"),
                    big(4 * TINY_KILOBYTES)));
            Map<Path, String> group = new LinkedHashMap<>();
            group.put(folder.resolve("table.csv"), "new\n");
            group.put(folder.resolve("layers.csv"), big(4 * TINY_KILOBYTES));
            assertFailsNaming(folder.resolve("layers.csv"), () -> AtomicFiles.writeGroup(group));
            assertFailsNaming(folder.resolve("model.safetensors"), () -> SafetensorsWriter.write(
                    folder.resolve("model.safetensors"), tensors(TINY_KILOBYTES * 1024), SafetensorsDType.F32,
                    Map.of()));
            assertFailsNaming(folder.resolve("checkpoint"), () -> AtomicDirectory.replace(folder.resolve("checkpoint"),
                    directory -> AtomicFiles.writeString(directory.resolve("config.json"), big(4 * TINY_KILOBYTES))));

            assertEquals(before, entries(folder), "only the old files, no partial file or temporary");
            assertEquals("old\n", Files.readString(folder.resolve("table.csv")));
            assertEquals("{\"old\": true}", Files.readString(folder.resolve("checkpoint").resolve("config.json")));
        }
    }
}
