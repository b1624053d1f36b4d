package io.github.safetyspaces.core.tokenizer;

import static io.github.safetyspaces.core.tokenizer.Llama2cTestFiles.tokens;
import static io.github.safetyspaces.core.tokenizer.Llama2cTokenizerTest.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HuggingFaceTextTokenizerTest {

    @TempDir
    Path tempDir;

    private Llama2cTestFiles.Vocabulary vocabulary;
    private Llama2cTokenizer llama2c;

    @BeforeEach
    void writeVocabulary() throws IOException {
        vocabulary = Llama2cTestFiles.withFixedIds(tokens(
                " ", -20, "h", -21, "e", -22, "r", -23, "he", -1, "er", -2, " h", -3, " he", -4, "her", -5));
        Path tokBin = Llama2cTestFiles.write(tempDir.resolve("tok.bin"), vocabulary);
        llama2c = Llama2cTokenizer.read(tokBin, vocabulary.size());
    }

    @Test
    void directoryWithConfigsGivesBosAndEos() {
        Path directory = tempDir.resolve("full");
        TokenizerJsonWriter.writeDirectory(llama2c, directory);
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals(OptionalInt.of(1), tokenizer.bosId());
            assertEquals(OptionalInt.of(2), tokenizer.eosId());
            assertEquals(vocabulary.size(), tokenizer.vocabSize());
            assertEquals(directory.resolve("tokenizer.json"), tokenizer.tokenizerJson());
            assertArrayEquals(Llama2cTokenizerTest.concat(new int[] {1}, ids(vocabulary, " he", "r")),
                    tokenizer.encode("her", true));
            assertArrayEquals(ids(vocabulary, " he", "r"), tokenizer.encode("her", false));
            assertArrayEquals(new int[] {1}, tokenizer.encode("", true));
            assertArrayEquals(new int[0], tokenizer.encode("", false));
        }
    }

    @Test
    void bareTokenizerJsonTakesBosFromPostProcessor() throws IOException {
        Path file = tempDir.resolve("bare").resolve("tokenizer.json");
        Files.createDirectories(file.getParent());
        TokenizerJsonWriter.writeTokenizerJson(llama2c, file);
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(file)) {
            assertEquals(OptionalInt.of(1), tokenizer.bosId());
            assertEquals(OptionalInt.empty(), tokenizer.eosId(), "the template appends nothing");
        }
    }

    @Test
    void configJsonGivesIds() throws IOException {
        Path directory = bareDirectory("model");
        write(directory.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 0]}");
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals(OptionalInt.of(1), tokenizer.bosId());
            assertEquals(OptionalInt.of(2), tokenizer.eosId(), "first element of the list");
        }
    }

    @Test
    void tokenizerConfigOverridesConfigJson() throws IOException {
        Path directory = bareDirectory("override");
        write(directory.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": 0}");
        write(directory.resolve("tokenizer_config.json"),
                "{\"bos_token\": null, \"eos_token\": {\"content\": \"</s>\", \"special\": true}}");
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals(OptionalInt.empty(), tokenizer.bosId(), "null bos_token means no BOS");
            assertEquals(OptionalInt.of(2), tokenizer.eosId(), "object form with content");
            assertArrayEquals(tokenizer.encode("her", false), tokenizer.encode("her", true),
                    "no BOS to add although the post-processor has one");
        }
    }

    @Test
    void specialTokensMapIsSecondSource() throws IOException {
        Path directory = bareDirectory("map");
        write(directory.resolve("special_tokens_map.json"), "{\"bos_token\": \"</s>\", \"eos_token\": \"<unk>\"}");
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals(OptionalInt.of(2), tokenizer.bosId());
            assertEquals(OptionalInt.of(0), tokenizer.eosId());
        }
    }

    @Test
    void unknownConfigTokenIsRejected() throws IOException {
        Path directory = bareDirectory("unknown");
        write(directory.resolve("tokenizer_config.json"), "{\"bos_token\": \"<bos>\"}");
        var error = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(directory));
        assertTrue(error.getMessage().contains("<bos>"), error.getMessage());
        assertTrue(error.getMessage().contains("tokenizer_config.json"), error.getMessage());
    }

    /**
     * Found by review: Gson raised UnsupportedOperationException or NumberFormatException on these, or read
     * a list as its element.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tokenizer_config.json={\"bos_token\": {\"special\": true}}",
            "tokenizer_config.json={\"bos_token\": 1}", "special_tokens_map.json={\"eos_token\": [\"</s>\"]}",
            "config.json={\"bos_token_id\": \"one\"}", "config.json={\"eos_token_id\": 1.5}",
            "config.json={\"eos_token_id\": [{}]}"})
    void malformedSpecialTokenIsRejected(String fileAndContent) throws IOException {
        Path directory = bareDirectory("malformed");
        String fileName = fileAndContent.substring(0, fileAndContent.indexOf('='));
        write(directory.resolve(fileName), fileAndContent.substring(fileName.length() + 1));

        var error = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(directory));

        assertTrue(error.getMessage().contains(fileName), error.getMessage());
    }

    @Test
    void missingFilesNamePath() throws IOException {
        Path emptyDirectory = Files.createDirectories(tempDir.resolve("empty"));
        var noJson = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(emptyDirectory));
        assertTrue(noJson.getMessage().contains(emptyDirectory.toString()), noJson.getMessage());

        Path missing = tempDir.resolve("missing.json");
        var noFile = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(missing));
        assertTrue(noFile.getMessage().contains(missing.toString()), noFile.getMessage());
    }

    @Test
    void invalidTokenizerJsonIsRejected() throws IOException {
        Path notJson = tempDir.resolve("broken.json");
        write(notJson, "{ not json");
        var parse = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(notJson));
        assertTrue(parse.getMessage().contains(notJson.toString()), parse.getMessage());

        Path wrongModel = tempDir.resolve("wrong.json");
        write(wrongModel, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}");
        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(wrongModel));
        assertTrue(rejected.getMessage().contains(wrongModel.toString()), rejected.getMessage());
    }

    /**
     * Found by review for the fuzz tests: an id of two billion sized the token table (an
     * OutOfMemoryError), and ids that were not integers surfaced as Gson's exceptions or were rounded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2000000000", "16777216", "-1", "1.5", "\"1\"", "[1]", "null"})
    void tokenIdOutsideTheRangeIsRejectedWithItsValue(String id) throws IOException {
        Path file = tempDir.resolve("tokenizer.json");
        write(file, "{\"model\": {\"type\": \"WordLevel\", \"unk_token\": \"a\", \"vocab\": {\"a\": 0, \"b\": " + id
                + "}}}");

        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(file));

        assertTrue(rejected.getMessage().contains(file.toString()), rejected.getMessage());
        assertTrue(rejected.getMessage().contains("id " + id), rejected.getMessage());
    }

    /** Found by fuzzing: tokenizers 0.21.4 panics on this, and the panic aborts the JVM. */
    @Test
    void controlCharacterInStringIsRejectedBeforeNativeLoad() throws IOException {
        Path file = tempDir.resolve("tokenizer.json");
        write(file, "{\"decoder\": [{\"c\u0000\": 1}], \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"a\","
                + " \"vocab\": {\"a\": 0}}}");

        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(file));

        assertTrue(rejected.getMessage().startsWith("Invalid JSON in " + file), rejected.getMessage());
    }

    /** Found by fuzzing: tokenizers 0.21.4 loads these and panics on the first templated encode. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"<t>\": {\"id\": \"<s>\", \"ids\": [0], \"tokens\": [\"a\"]}}",
            "{\"<s>\": {\"id\": \"<t>\", \"ids\": [0], \"tokens\": [\"a\"]}}"})
    void templateWithUnknownSpecialTokenIsRejected(String specialTokens) throws IOException {
        Path file = tempDir.resolve("tokenizer.json");
        write(file, "{\"post_processor\": {\"type\": \"Sequence\", \"processors\": [{\"type\": \"TemplateProcessing\","
                + " \"single\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\","
                + " \"type_id\": 0}}], \"pair\": [], \"special_tokens\": " + specialTokens + "}]},"
                + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"a\", \"vocab\": {\"a\": 0}}}");

        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(file));

        assertTrue(rejected.getMessage().contains("post_processor"), rejected.getMessage());
    }

    /** Found by fuzzing: the library reads a post-processor by its fields, so a misspelled type still panics. */
    @Test
    void templateWithMisspelledTypeIsRejected() throws IOException {
        Path file = tempDir.resolve("tokenizer.json");
        write(file, "{\"post_processor\": {\"type\": \"TemplatesProcessing\", \"single\": [{\"SpecialToken\":"
                + " {\"id\": \"<s>\", \"type_id\": 0}}], \"pair\": [], \"special_tokens\": {}},"
                + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"a\", \"vocab\": {\"a\": 0}}}");

        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(file));

        assertTrue(rejected.getMessage().contains("post_processor.single"), rejected.getMessage());
    }

    @Test
    void addedTokenWithoutContentIsRejected() throws IOException {
        Path file = tempDir.resolve("tokenizer.json");
        write(file, "{\"added_tokens\": [{\"id\": 1}], \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"a\","
                + " \"vocab\": {\"a\": 0}}}");

        var rejected = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTextTokenizer.open(file));

        assertTrue(rejected.getMessage().contains("added_tokens[0]"), rejected.getMessage());
    }

    @Test
    void longTextIsNotTruncated() {
        Path directory = tempDir.resolve("long");
        TokenizerJsonWriter.writeDirectory(llama2c, directory);
        String text = "her he rh ".repeat(400);
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            int[] expected = llama2c.encode(text, true);
            assertTrue(expected.length > 1000, "length " + expected.length);
            assertArrayEquals(expected, tokenizer.encode(text, true));
            assertEquals(text, tokenizer.decode(expected));
        }
    }

    @Test
    void decodeSkipsSpecialTokensAndChecksIds() {
        Path directory = tempDir.resolve("decode");
        TokenizerJsonWriter.writeDirectory(llama2c, directory);
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            int[] her = ids(vocabulary, " he", "r");
            assertEquals("her", tokenizer.decode(Llama2cTokenizerTest.concat(new int[] {1}, her, new int[] {2, 0})));
            assertEquals("her", tokenizer.decode(her), "the Strip decoder drops the first space without BOS too");
            assertEquals("é", tokenizer.decode(new int[] {3 + 0xC3, 3 + 0xA9}));
            var error = assertThrows(IllegalArgumentException.class,
                    () -> tokenizer.decode(new int[] {vocabulary.size()}));
            assertTrue(error.getMessage().contains(String.valueOf(vocabulary.size())), error.getMessage());
        }
    }

    @Test
    void tokenTextShowsWordBoundaryMarker() {
        Path directory = tempDir.resolve("text");
        TokenizerJsonWriter.writeDirectory(llama2c, directory);
        try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals("\u2581he", tokenizer.tokenText(vocabulary.tokens().indexOf(" he")));
            assertEquals("<s>", tokenizer.tokenText(1));
            assertEquals("<0x41>", tokenizer.tokenText(3 + 0x41));
            assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenText(-1));
        }
    }

    private Path bareDirectory(String name) throws IOException {
        Path directory = Files.createDirectories(tempDir.resolve(name));
        TokenizerJsonWriter.writeTokenizerJson(llama2c, directory.resolve("tokenizer.json"));
        return directory;
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
