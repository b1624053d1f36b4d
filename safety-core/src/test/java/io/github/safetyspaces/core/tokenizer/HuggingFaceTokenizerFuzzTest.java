package io.github.safetyspaces.core.tokenizer;

import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;

/**
 * Fuzzes {@link HuggingFaceTextTokenizer#open} on a {@code tokenizer.json} alone: any file either opens
 * as a tokenizer that encodes and decodes a fixed text, or is rejected with
 * {@link IllegalArgumentException}; encoding may fail only with the documented
 * {@link IllegalStateException}. The file goes through this project's vocabulary reader and then
 * through the native tokenizers library, whose crash would end the JVM and so fail the run. Stored
 * inputs: {@code src/test/resources/io/github/safetyspaces/core/tokenizer/HuggingFaceTokenizerFuzzTestInputs/open}.
 */
class HuggingFaceTokenizerFuzzTest {

    private static final String TEXT = "Hello, world: caf\u00e9 \ud83d\ude00 <s>";

    @ReaderFuzzTest
    void open(byte[] bytes) {
        // A directory of its own, because the reader also looks for config files beside tokenizer.json.
        Path directory = FuzzInputs.directory("huggingface");
        Path file = FuzzInputs.write(directory, HuggingFaceTextTokenizer.TOKENIZER_JSON, bytes);
        HuggingFaceTextTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTextTokenizer.open(file);
        } catch (IllegalArgumentException e) {
            return;
        }

        try (tokenizer) {
            int[] ids;
            try {
                ids = tokenizer.encode(TEXT, true);
            } catch (IllegalStateException e) {
                // Documented: the library may fail on a word that the probe text at load did not contain.
                return;
            }
            tokenizer.decode(ids);
        }
    }
}
