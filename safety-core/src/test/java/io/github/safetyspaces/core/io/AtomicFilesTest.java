package io.github.safetyspaces.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path folder;

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void groupReplacesEveryFile() throws IOException {
        Files.writeString(folder.resolve("main.csv"), "old main");
        Files.writeString(folder.resolve("part.csv"), "old part");
        Map<Path, String> group = new LinkedHashMap<>();
        group.put(folder.resolve("main.csv"), "new main");
        group.put(folder.resolve("part.csv"), "new part");

        AtomicFiles.writeGroup(group);

        assertEquals("new main", Files.readString(folder.resolve("main.csv")));
        assertEquals("new part", Files.readString(folder.resolve("part.csv")));
        assertEquals(List.of("main.csv", "part.csv"), names(), "no temporary is left");
    }

    @Test
    void failedGroupLeavesOldFiles() throws IOException {
        Files.writeString(folder.resolve("main.csv"), "old main");
        Map<Path, String> group = new LinkedHashMap<>();
        group.put(folder.resolve("main.csv"), "new main");
        Path unwritable = folder.resolve("missing").resolve("part.csv");
        group.put(unwritable, "new part");

        UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeGroup(group));

        assertTrue(error.getMessage().contains(unwritable.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("choose another output folder"), error.getMessage());
        assertEquals("old main", Files.readString(folder.resolve("main.csv")), "the group was not started");
        assertEquals(List.of("main.csv"), names(), "no temporary is left");
    }

    @Test
    void staleTemporariesOfTargetRemoved() throws IOException {
        Path target = folder.resolve("table.csv");
        Path staleFile = Files.writeString(folder.resolve(".table.csv.tmp-0b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70"), "a,");
        Path staleFolder = Files.createDirectories(
                folder.resolve(".table.csv.partial-1b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70"));
        Files.writeString(staleFolder.resolve("inner.csv"), "x");
        Path fresh = Files.writeString(folder.resolve(".table.csv.tmp-2b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70"), "b,");
        Path otherTarget = Files.writeString(folder.resolve(".other.csv.tmp-3b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70"), "");
        Path notTemporary = Files.writeString(folder.resolve(".table.csv.notes"), "kept");
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (Path path : List.of(staleFile, staleFolder, staleFolder.resolve("inner.csv"), otherTarget,
                notTemporary)) {
            Files.setLastModifiedTime(path, hourAgo);
        }

        AtomicFiles.writeString(target, "a,b\n");

        assertFalse(Files.exists(staleFile), "a stale temporary file of the target is removed");
        assertFalse(Files.exists(staleFolder), "a stale temporary folder of the target is removed");
        assertTrue(Files.exists(fresh), "a temporary that may still be written is kept");
        assertTrue(Files.exists(otherTarget), "temporaries of other targets are left to their writers");
        assertTrue(Files.exists(notTemporary), "a hidden file of another pattern is kept");
    }

    @Test
    void temporaryNamesRecognised() {
        Path target = Path.of("out", "model.safetensors");
        for (String kind : List.of("tmp", "partial", "old")) {
            String name = AtomicFiles.temporarySibling(target, kind).getFileName().toString();
            assertTrue(name.startsWith("."), name);
            assertTrue(AtomicFiles.isTemporaryOf(name, "model.safetensors"), name);
            assertFalse(AtomicFiles.isTemporaryOf(name, "model"), name);
        }
        assertTrue(AtomicFiles.isTemporaryOf(".model.safetensors.0b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70.tmp",
                "model.safetensors"), "the name the safetensors writer used before");
        assertFalse(AtomicFiles.isTemporaryOf(".model.safetensors.lock", "model.safetensors"));
    }
}
