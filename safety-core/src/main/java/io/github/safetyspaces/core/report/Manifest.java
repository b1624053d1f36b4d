package io.github.safetyspaces.core.report;

import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Writes {@code MANIFEST.sha256}: the SHA-256 of every result artifact of an experiment folder, in the
 * format of GNU {@code sha256sum}, so {@code sha256sum -c MANIFEST.sha256} run in the folder checks
 * them. The artifacts are the CSV, JSON, JSON Lines, Markdown and HTML files; model weights
 * ({@code .safetensors}, {@code .bin}) and the SVD cache are left out. Lines are sorted by path.
 */
public final class Manifest {

    /** File name of the manifest inside the experiment folder. */
    public static final String FILE_NAME = "MANIFEST.sha256";

    /** File name endings of the artifacts listed. */
    static final String[] ARTIFACT_SUFFIXES = {".csv", ".json", ".jsonl", ".md", ".html"};

    private Manifest() {
    }

    /**
     * Lists the artifacts of a folder in manifest order.
     *
     * @param folder the experiment's output folder
     * @return paths relative to the folder, with {@code /} separators, sorted
     */
    public static List<String> artifacts(Path folder) {
        return ResultFiles.files(folder, ARTIFACT_SUFFIXES).stream()
                .map(file -> folder.relativize(file).toString().replace('\\', '/'))
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /**
     * Deletes the manifest of a folder, if any. The {@code verify} goal calls this before it rewrites the
     * summary and the report, so that a manifest is only ever next to the files it was written after.
     *
     * @param folder the experiment's output folder
     * @throws UncheckedIOException naming the file when it cannot be deleted
     */
    public static void remove(Path folder) {
        Path manifest = folder.resolve(FILE_NAME);
        if (!Files.exists(manifest)) {
            return;
        }
        try {
            Files.delete(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the old " + manifest + ": " + e + ". Check that " + folder
                    + " is writable.", e);
        }
    }

    /**
     * Hashes every artifact and writes the manifest into the folder, replacing an older one.
     *
     * @param folder the experiment's output folder
     * @return the manifest file
     */
    public static Path write(Path folder) {
        StringBuilder text = new StringBuilder();
        for (String relative : artifacts(folder)) {
            // NOTE: sha256sum escapes names with a newline or backslash; none of the goals writes such names.
            text.append(Sha256.ofFile(folder.resolve(relative))).append("  ").append(relative).append('\n');
        }
        Path manifest = folder.resolve(FILE_NAME);
        AtomicFiles.writeString(manifest, text.toString());
        return manifest;
    }
}
