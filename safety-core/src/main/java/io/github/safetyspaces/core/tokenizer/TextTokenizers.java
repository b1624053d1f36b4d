package io.github.safetyspaces.core.tokenizer;

import io.github.safetyspaces.core.engine.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the tokenizer that belongs to a model, in llama2.c or Hugging Face format. */
public final class TextTokenizers {

    /** File name that llama2.c's {@code run.c} reads its tokenizer from by default. */
    public static final String LLAMA2C_DEFAULT_TOKENIZER = "tokenizer.bin";

    private static final Logger LOG = LoggerFactory.getLogger(TextTokenizers.class);

    private TextTokenizers() {
    }

    /**
     * Opens a model's tokenizer. The tokenizer path is {@code explicitTokenizer} when given, and is
     * otherwise found from the model:
     * <ul>
     *   <li>a model directory: its {@code tokenizer.json};
     *   <li>a llama2.c checkpoint file: {@code tokenizer.bin} beside it, else {@code tok<vocabSize>.bin}
     *       (llama2.c's name for custom vocabularies, for example {@code tok512.bin}).
     * </ul>
     * A {@code .bin} tokenizer is read in llama2.c format, and a directory or a {@code .json} file as a
     * Hugging Face {@code tokenizer.json}.
     *
     * @param modelDirOrFile the model directory or checkpoint file, used only when
     *     {@code explicitTokenizer} is null
     * @param explicitTokenizer a tokenizer file or directory that overrides the search, or null
     * @param vocabSize the model's vocabulary size (rows of its embedding)
     * @return the tokenizer, to be closed after use
     * @throws IllegalArgumentException if no tokenizer is found, its type is not recognized, or it has
     *     more tokens than the model's vocabulary
     */
    public static TextTokenizer open(Path modelDirOrFile, Path explicitTokenizer, int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("Vocabulary size must be positive, got " + vocabSize
                    + "; pass the model's vocab_size.");
        }
        Engines.forceOffline();
        Path tokenizerPath = explicitTokenizer != null
                ? explicitTokenizer
                : findTokenizer(Objects.requireNonNull(modelDirOrFile, "modelDirOrFile"), vocabSize);

        if (isLlama2cFile(tokenizerPath)) {
            return Llama2cTokenizer.read(tokenizerPath, vocabSize);
        }
        if (Files.isDirectory(tokenizerPath) || hasExtension(tokenizerPath, ".json")) {
            HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(tokenizerPath);
            return checkFits(tokenizer, vocabSize);
        }
        if (!Files.exists(tokenizerPath)) {
            throw new IllegalArgumentException("Tokenizer not found: " + tokenizerPath.toAbsolutePath() + ".");
        }
        throw new IllegalArgumentException("Unrecognized tokenizer file " + tokenizerPath.toAbsolutePath()
                + ": expected a llama2.c .bin file, a Hugging Face tokenizer.json, or a directory with one.");
    }

    private static Path findTokenizer(Path model, int vocabSize) {
        if (Files.isDirectory(model)) {
            return model;
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("Model not found: " + model.toAbsolutePath()
                    + "; pass a model directory or a llama2.c checkpoint file.");
        }
        if (hasExtension(model, ".json")) {
            return model;
        }
        Path directory = model.toAbsolutePath().getParent();
        List<Path> candidates = List.of(
                directory.resolve(LLAMA2C_DEFAULT_TOKENIZER),
                directory.resolve("tok" + vocabSize + ".bin"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                LOG.info("Using the llama2.c tokenizer {} for {}", candidate, model);
                return candidate;
            }
        }
        throw new IllegalArgumentException("No tokenizer found for the checkpoint " + model.toAbsolutePath()
                + ": looked for " + candidates + "; pass the tokenizer file explicitly.");
    }

    private static boolean isLlama2cFile(Path path) {
        return hasExtension(path, ".bin") && !Files.isDirectory(path);
    }

    private static boolean hasExtension(Path path, String extension) {
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(extension);
    }

    private static TextTokenizer checkFits(TextTokenizer tokenizer, int vocabSize) {
        if (tokenizer.vocabSize() > vocabSize) {
            tokenizer.close();
            throw new IllegalArgumentException("The tokenizer " + tokenizer + " has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary has only " + vocabSize + ", so some ids would fall outside"
                    + " the embedding; pass the tokenizer that belongs to the model.");
        }
        if (tokenizer.vocabSize() < vocabSize) {
            LOG.debug("Tokenizer {} has {} tokens; the model's embedding has {} rows (padding)", tokenizer,
                    tokenizer.vocabSize(), vocabSize);
        }
        return tokenizer;
    }
}
