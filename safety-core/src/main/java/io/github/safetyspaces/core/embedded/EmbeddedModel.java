package io.github.safetyspaces.core.embedded;

import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The base model of the embedded default, stories260K (a 260K-parameter Llama model trained on
 * TinyStories, from llama2.c), shipped inside this library with its tokenizer and MIT license so that
 * the embedded default needs no download.
 */
public final class EmbeddedModel {

    /** The llama2.c checkpoint file. */
    public static final String CHECKPOINT = "stories260K.bin";

    /** The llama2.c tokenizer file, a 512-token vocabulary. */
    public static final String TOKENIZER = "tok512.bin";

    /** The license of both files. */
    public static final String LICENSE = "LICENSE";

    private static final String RESOURCE_FOLDER = "stories260K/";

    private EmbeddedModel() {
    }

    /**
     * Copies the checkpoint, the tokenizer and the license into a directory. Each file appears
     * complete or not at all; files already there with the same content are kept.
     *
     * @param directory the directory to write, created if needed
     * @return the path of the checkpoint file in it, to pass as a model path
     */
    public static Path write(Path directory) {
        Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
            for (String name : List.of(CHECKPOINT, TOKENIZER, LICENSE)) {
                copy(name, directory.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to write the embedded model to " + directory + ": " + e.getMessage(),
                    e);
        }
        return directory.resolve(CHECKPOINT);
    }

    private static void copy(String name, Path target) throws IOException {
        try (InputStream in = EmbeddedModel.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE_FOLDER + name + " in the safety-core jar;"
                        + " rebuild the project.");
            }
            byte[] bytes = in.readAllBytes();
            if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
                AtomicFiles.write(target, bytes);
            }
        }
    }
}
