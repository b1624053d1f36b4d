package io.github.safetyspaces.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;

/**
 * Fuzzes {@link Llama2cTokenizer#read}: any file either reads as a tokenizer of {@link #VOCAB_SIZE}
 * tokens that encodes and decodes a fixed text without error, or is rejected with
 * {@link IllegalArgumentException}. Stored inputs:
 * {@code src/test/resources/io/github/safetyspaces/core/tokenizer/Llama2cTokenizerFuzzTestInputs/readAndEncode}.
 */
class Llama2cTokenizerFuzzTest {

    /** The 259 ids that the format fixes, and room for a few merges. */
    static final int VOCAB_SIZE = 264;

    private static final String TEXT = "Hello, world: caf\u00e9 \u2581 \ud83d\ude00\n<s>";

    @ReaderFuzzTest
    void readAndEncode(byte[] bytes) {
        Path file = FuzzInputs.write("tok.bin", bytes);
        Llama2cTokenizer tokenizer;
        try {
            tokenizer = Llama2cTokenizer.read(file, VOCAB_SIZE);
        } catch (IllegalArgumentException e) {
            return;
        }

        assertEquals(VOCAB_SIZE, tokenizer.vocabSize());
        int[] ids = tokenizer.encode(TEXT, true);
        tokenizer.decode(ids);
        for (int id = 0; id < VOCAB_SIZE; id++) {
            tokenizer.tokenText(id);
        }
    }
}
