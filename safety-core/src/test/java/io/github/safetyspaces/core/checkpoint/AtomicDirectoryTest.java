package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {

    @TempDir
    Path root;

    @Test
    void writeCreatesCompleteDirectory() throws IOException {
        Path target = root.resolve("out");
        AtomicDirectory.write(target, dir -> {
            assertFalse(Files.exists(target), "the target must not appear before the writer finishes");
            writeFile(dir.resolve("a.txt"), "one");
        });
        assertEquals("one", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("out"), children(root));
    }

    @Test
    void failedWriteLeavesNothing() throws IOException {
        Path target = root.resolve("out");
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.write(target, dir -> {
            writeFile(dir.resolve("a.txt"), "half");
            throw new IllegalStateException("writer failed");
        }));
        assertEquals(List.of(), children(root));
    }

    @Test
    void writeRejectsNonEmptyTarget() throws IOException {
        Path target = root.resolve("out");
        Files.createDirectories(target.resolve("x"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> AtomicDirectory.write(target, dir -> { }));
        assertTrue(error.getMessage().contains(target.toString()), error.getMessage());
    }

    @Test
    void replaceSwapsWholeDirectory() throws IOException {
        Path target = root.resolve("out");
        AtomicDirectory.write(target, dir -> writeFile(dir.resolve("old.txt"), "old"));
        AtomicDirectory.replace(target, dir -> writeFile(dir.resolve("new.txt"), "new"));
        assertEquals(List.of("new.txt"), children(target));
        assertEquals(List.of("out"), children(root), "no old or partial directory remains");
    }

    @Test
    void failedReplaceKeepsOldDirectory() throws IOException {
        Path target = root.resolve("out");
        AtomicDirectory.write(target, dir -> writeFile(dir.resolve("old.txt"), "old"));
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.replace(target, dir -> {
            throw new IllegalStateException("writer failed");
        }));
        assertEquals(List.of("old.txt"), children(target));
        assertEquals(List.of("out"), children(root));
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> children(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
