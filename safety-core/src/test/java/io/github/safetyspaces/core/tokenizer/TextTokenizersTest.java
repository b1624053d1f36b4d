package io.github.safetyspaces.core.tokenizer;

import static io.github.safetyspaces.core.tokenizer.Llama2cTestFiles.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizersTest {

    @TempDir
    Path tempDir;

    private Llama2cTestFiles.Vocabulary vocabulary;

    @BeforeEach
    void buildVocabulary() {
        vocabulary = Llama2cTestFiles.withFixedIds(tokens(" ", -1, "a", -2));
    }

    @Test
    void explicitBinOpensLlama2c() throws IOException {
        Path tokBin = Llama2cTestFiles.write(tempDir.resolve("custom.bin"), vocabulary);
        try (TextTokenizer tokenizer = TextTokenizers.open(tempDir.resolve("ignored"), tokBin, vocabulary.size())) {
            Llama2cTokenizer llama2c = assertInstanceOf(Llama2cTokenizer.class, tokenizer);
            assertEquals(tokBin, llama2c.source());
        }
    }

    @Test
    void modelDirectoryOpensTokenizerJson() throws IOException {
        Path directory = tempDir.resolve("model");
        TokenizerJsonWriter.writeDirectory(readLlama2c(), directory);
        try (TextTokenizer tokenizer = TextTokenizers.open(directory, null, vocabulary.size())) {
            assertInstanceOf(HuggingFaceTextTokenizer.class, tokenizer);
        }
        try (TextTokenizer tokenizer = TextTokenizers.open(null, directory.resolve("tokenizer.json"), 1000)) {
            assertInstanceOf(HuggingFaceTextTokenizer.class, tokenizer, "a padded embedding is fine");
        }
    }

    @Test
    void checkpointFindsTokFileBesideIt() throws IOException {
        Path checkpoint = Files.write(tempDir.resolve("model.bin"), new byte[] {1, 2, 3});
        Path tokBin = Llama2cTestFiles.write(tempDir.resolve("tok" + vocabulary.size() + ".bin"), vocabulary);
        try (TextTokenizer tokenizer = TextTokenizers.open(checkpoint, null, vocabulary.size())) {
            assertEquals(tokBin, assertInstanceOf(Llama2cTokenizer.class, tokenizer).source());
        }
    }

    @Test
    void checkpointPrefersTokenizerBin() throws IOException {
        Path checkpoint = Files.write(tempDir.resolve("model.bin"), new byte[] {1, 2, 3});
        Llama2cTestFiles.write(tempDir.resolve("tok" + vocabulary.size() + ".bin"), vocabulary);
        Path tokenizerBin = Llama2cTestFiles.write(tempDir.resolve("tokenizer.bin"), vocabulary);
        try (TextTokenizer tokenizer = TextTokenizers.open(checkpoint, null, vocabulary.size())) {
            assertEquals(tokenizerBin, assertInstanceOf(Llama2cTokenizer.class, tokenizer).source());
        }
    }

    @Test
    void checkpointWithoutTokenizerListsCandidates() throws IOException {
        Path checkpoint = Files.write(tempDir.resolve("model.bin"), new byte[] {1, 2, 3});
        var error = assertThrows(IllegalArgumentException.class, () -> TextTokenizers.open(checkpoint, null, 260));
        assertTrue(error.getMessage().contains("tokenizer.bin"), error.getMessage());
        assertTrue(error.getMessage().contains("tok260.bin"), error.getMessage());
    }

    @Test
    void tokenizerLargerThanModelIsRejected() throws IOException {
        Path directory = tempDir.resolve("model");
        TokenizerJsonWriter.writeDirectory(readLlama2c(), directory);
        var error = assertThrows(IllegalArgumentException.class, () -> TextTokenizers.open(directory, null, 100));
        assertTrue(error.getMessage().contains("261 tokens"), error.getMessage());
        assertTrue(error.getMessage().contains("only 100"), error.getMessage());
    }

    @Test
    void invalidArgumentsAreRejected() throws IOException {
        Path text = Files.writeString(tempDir.resolve("vocab.txt"), "a");
        var unknown = assertThrows(IllegalArgumentException.class, () -> TextTokenizers.open(null, text, 10));
        assertTrue(unknown.getMessage().contains("vocab.txt"), unknown.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> TextTokenizers.open(tempDir, null, 0));
        assertTrue(size.getMessage().contains("got 0"), size.getMessage());
        Path missing = tempDir.resolve("missing.bin");
        var absent = assertThrows(IllegalArgumentException.class, () -> TextTokenizers.open(null, missing, 300));
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
    }

    @Test
    void stories260kCheckpointFindsTok512() {
        Path checkpoint = SharedData.require("models/stories260K/stories260K.bin");
        try (TextTokenizer tokenizer = TextTokenizers.open(checkpoint, null, 512)) {
            Llama2cTokenizer llama2c = assertInstanceOf(Llama2cTokenizer.class, tokenizer);
            assertEquals("tok512.bin", llama2c.source().getFileName().toString());
            assertEquals(512, tokenizer.vocabSize());
        }
    }

    private Llama2cTokenizer readLlama2c() throws IOException {
        Path tokBin = Llama2cTestFiles.write(tempDir.resolve("tok.bin"), vocabulary);
        return Llama2cTokenizer.read(tokBin, vocabulary.size());
    }
}
