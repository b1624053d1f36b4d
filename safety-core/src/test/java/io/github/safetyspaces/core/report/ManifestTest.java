package io.github.safetyspaces.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path folder;

    private void write(String relative, String text) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private void writeArtifacts() throws IOException {
        TinyResults.copyTo(folder);
        write("models/aligned/training.json", "{\"steps\": 120}\n");
        write("models/aligned/model.safetensors", "weights");
        write("inputs/stories260K/stories260K.bin", "weights");
        write("svd-cache/0123/u.csv", "a\n1\n");
        write("projection/eval/aligned-utility.jsonl", "{\"prompt\": \"2+2\"}\n");
        write("summary.md", "# tiny\n");
        write("report/index.html", "<!DOCTYPE html>\n");
        write("projection/.projection.csv.tmp", "partial");
    }

    @Test
    void manifestListsArtifactsWithTheirDigests() throws Exception {
        writeArtifacts();
        Path manifest = Manifest.write(folder);
        assertEquals(folder.resolve("MANIFEST.sha256"), manifest);

        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        List<String> paths = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split("  ", 2);
            assertEquals(2, parts.length, line);
            assertEquals(sha256(folder.resolve(parts[1])), parts[0], parts[1]);
            paths.add(parts[1]);
        }
        // In path order; without weights, caches, hidden temporary files or the manifest itself.
        assertEquals(List.of("activations/activations-aligned.csv", "activations/activations-harmful.csv",
                "models/aligned/train-log.csv", "models/aligned/training.json", "models/harmful/train-log.csv",
                "projection/eval/aligned-utility.jsonl", "projection/projection-layers.csv",
                "projection/projection.csv", "report/index.html", "summary.md",
                "update-spaces/update-spaces-summary.csv", "update-spaces/update-spaces.csv"), paths);
    }

    @Test
    void sha256sumAcceptsManifest() throws Exception {
        writeArtifacts();
        Manifest.write(folder);
        ProcessBuilder check = new ProcessBuilder("sha256sum", "--check", "--strict", "MANIFEST.sha256")
                .directory(folder.toFile()).redirectErrorStream(true);
        Process process;
        try {
            process = check.start();
        } catch (IOException e) {
            assumeTrue(false, "sha256sum is not installed: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sha256sum timed out");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("projection/projection.csv: OK"), output);

        // A changed artifact is detected.
        write("summary.md", "# changed\n");
        Process changed = check.start();
        String failure = new String(changed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(changed.waitFor(60, TimeUnit.SECONDS), "sha256sum timed out");
        assertEquals(1, changed.exitValue(), failure);
        assertTrue(failure.contains("summary.md: FAILED"), failure);
    }
}
