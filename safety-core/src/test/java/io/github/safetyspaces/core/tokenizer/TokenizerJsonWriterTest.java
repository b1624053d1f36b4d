package io.github.safetyspaces.core.tokenizer;

import static io.github.safetyspaces.core.tokenizer.Llama2cTestFiles.tokens;
import static io.github.safetyspaces.core.tokenizer.Llama2cTokenizerTest.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.engine.Engines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonWriterTest {

    private static final int STORIES_VOCAB = 512;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void offline() {
        Engines.forceOffline();
    }

    // Shared data: the stories260K vocabulary.

    @Test
    void convertedStoriesTokenizerMatchesLlama2c() throws IOException {
        Path tokBin = SharedData.require("models/stories260K/tok512.bin");
        Llama2cTokenizer llama2c = Llama2cTokenizer.read(tokBin, STORIES_VOCAB);
        Path directory = tempDir.resolve("stories260K-hf");
        Path tokenizerJson = TokenizerJsonWriter.writeDirectory(llama2c, directory);

        List<String> vocabularyTokens = new ArrayList<>();
        for (int id = 259; id < STORIES_VOCAB; id++) {
            vocabularyTokens.add(llama2c.tokenText(id));
        }
        List<String> corpus = TokenizerCorpus.build(vocabularyTokens, 400, 11);
        assertTrue(corpus.size() > 400, "corpus size " + corpus.size());
        String longText = String.join("\n", corpus);
        List<String> texts = Stream.concat(corpus.stream(), Stream.of(longText)).collect(Collectors.toList());

        try (HuggingFaceTokenizer djl = rawDjl(tokenizerJson)) {
            assertParity(llama2c, djl, texts);
        }
        assertTrue(llama2c.encode(longText, true).length > 1000, "the long text exceeds DJL's default 512");
        try (HuggingFaceTextTokenizer wrapped = HuggingFaceTextTokenizer.open(directory)) {
            assertEquals(OptionalInt.of(1), wrapped.bosId());
            assertEquals(OptionalInt.of(2), wrapped.eosId());
            assertEquals(STORIES_VOCAB, wrapped.vocabSize());
            for (String text : texts) {
                assertArrayEquals(llama2c.encode(text, true), wrapped.encode(text, true), () -> quote(text));
                assertArrayEquals(llama2c.encode(text, false), wrapped.encode(text, false), () -> quote(text));
                assertEquals(text, wrapped.decode(wrapped.encode(text, true)), () -> quote(text));
            }
        }
    }

    // Synthetic vocabularies: no shared data needed.

    @Test
    void convertedSyntheticTokenizerMatchesLlama2c() throws IOException {
        // Tokens with several splits ("her", " her", "the", " the"), characters outside the vocabulary
        // (byte fallback) and whitespace other than spaces.
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(tokens(
                " ", -20, "h", -21, "e", -22, "r", -23, "t", -24, "é", -25, "\u00a0", -26,
                "he", -1, "er", -2, " t", -3, " h", -4, "her", -5, " he", -6, " her", -7, "th", -8, "the", -9,
                " the", -10, "ee", -11, "eee", -12, "  ", -13));
        Llama2cTokenizer llama2c = read(vocabulary);
        Path tokenizerJson = tempDir.resolve("synthetic.json");
        TokenizerJsonWriter.writeTokenizerJson(llama2c, tokenizerJson);

        List<String> alphabet = List.of("h", "e", "r", "t", " ", "é", "\u00a0", "x", "日", "😀", "\n", "\t");
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("", " ", "her", " her", "the there", "  leading"));
        for (int n = 0; n < 2000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(14);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.get(random.nextInt(alphabet.size())));
            }
            texts.add(text.toString());
        }
        try (HuggingFaceTokenizer djl = rawDjl(tokenizerJson)) {
            assertParity(llama2c, djl, texts);
        }
    }

    @Test
    void tokenizerJsonHasLlamaLayout() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "t", -11, " t", -1));
        Llama2cTokenizer llama2c = read(vocabulary);
        JsonObject root = JsonParser.parseString(TokenizerJsonWriter.tokenizerJson(llama2c)).getAsJsonObject();

        JsonObject model = root.getAsJsonObject("model");
        assertEquals("BPE", model.get("type").getAsString());
        assertTrue(model.get("byte_fallback").getAsBoolean());
        assertTrue(model.get("fuse_unk").getAsBoolean());
        assertEquals("<unk>", model.get("unk_token").getAsString());
        JsonObject vocab = model.getAsJsonObject("vocab");
        assertEquals(vocabulary.size(), vocab.size());
        assertEquals(0, vocab.get("<unk>").getAsInt());
        assertEquals(1, vocab.get("<s>").getAsInt());
        assertEquals(2, vocab.get("</s>").getAsInt());
        assertEquals(3 + 0x0A, vocab.get("<0x0A>").getAsInt());
        assertEquals(vocabulary.tokens().indexOf(" t"), vocab.get("\u2581t").getAsInt());
        assertEquals(vocabulary.tokens().indexOf(" "), vocab.get("\u2581").getAsInt());
        assertEquals(List.of("\u2581 t"), strings(model.getAsJsonArray("merges")));

        assertEquals(List.of("Prepend", "Replace"), types(root.getAsJsonObject("normalizer"), "normalizers"));
        assertEquals("\u2581", root.getAsJsonObject("normalizer").getAsJsonArray("normalizers").get(0)
                .getAsJsonObject().get("prepend").getAsString());
        assertTrue(root.get("pre_tokenizer").isJsonNull());
        assertEquals(List.of("Replace", "ByteFallback", "Fuse", "Strip"),
                types(root.getAsJsonObject("decoder"), "decoders"));
        assertEquals("TemplateProcessing", root.getAsJsonObject("post_processor").get("type").getAsString());

        JsonArray added = root.getAsJsonArray("added_tokens");
        assertEquals(3, added.size());
        for (int id = 0; id < 3; id++) {
            JsonObject token = added.get(id).getAsJsonObject();
            assertEquals(id, token.get("id").getAsInt());
            assertTrue(token.get("special").getAsBoolean(), "added token " + id + " is special");
        }
    }

    @Test
    void mergesRankedByMergedScore() throws IOException {
        // "her" splits two ways. Both merges rank after "he" and "er", the shorter left part first.
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "h", -11, "e", -12, "r", -13, "her", -5, "er", -2, "he", -1));
        Llama2cTokenizer llama2c = read(vocabulary);
        JsonObject root = JsonParser.parseString(TokenizerJsonWriter.tokenizerJson(llama2c)).getAsJsonObject();

        JsonArray merges = root.getAsJsonObject("model").getAsJsonArray("merges");
        assertEquals(List.of("h e", "e r", "h er", "he r"), strings(merges));
    }

    @Test
    void companionFilesNameSpecialTokens() throws IOException {
        Llama2cTokenizer llama2c = read(Llama2cTestFiles.withFixedIds(tokens(" ", -1)));
        Path directory = tempDir.resolve("out");
        TokenizerJsonWriter.writeDirectory(llama2c, directory);

        JsonObject config = readJson(directory.resolve("tokenizer_config.json"));
        assertEquals("PreTrainedTokenizerFast", config.get("tokenizer_class").getAsString());
        assertEquals("<s>", config.get("bos_token").getAsString());
        assertEquals("</s>", config.get("eos_token").getAsString());
        assertEquals("<unk>", config.get("unk_token").getAsString());
        assertFalse(config.get("clean_up_tokenization_spaces").getAsBoolean());
        assertTrue(config.get("add_bos_token").getAsBoolean());
        assertFalse(config.get("add_eos_token").getAsBoolean());
        assertEquals("</s>", config.getAsJsonObject("added_tokens_decoder").getAsJsonObject("2")
                .get("content").getAsString());

        JsonObject map = readJson(directory.resolve("special_tokens_map.json"));
        assertEquals("<s>", map.get("bos_token").getAsString());
        assertEquals("</s>", map.get("eos_token").getAsString());
        assertEquals("<unk>", map.get("unk_token").getAsString());
    }

    @Test
    void rewriteReplacesFilesAndLeavesNoTemporaries() throws IOException {
        Path directory = tempDir.resolve("out");
        TokenizerJsonWriter.writeDirectory(read(Llama2cTestFiles.withFixedIds(tokens(" ", -1))), directory);
        TokenizerJsonWriter.writeDirectory(read(Llama2cTestFiles.withFixedIds(tokens(" ", -1, "q", -2))), directory);

        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(path -> path.getFileName().toString()).sorted().toList();
            assertEquals(List.of("special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"), names);
        }
        JsonObject model = readJson(directory.resolve("tokenizer.json")).getAsJsonObject("model");
        JsonObject vocab = model.getAsJsonObject("vocab");
        assertEquals(261, vocab.size());
        assertEquals(260, vocab.get("q").getAsInt());
    }

    @Test
    void duplicateHuggingFaceNamesAreRejected() throws IOException {
        // A regular token "<s>" would collide with the name BOS gets in the Hugging Face vocabulary.
        Llama2cTokenizer llama2c = read(Llama2cTestFiles.withFixedIds(tokens(" ", -1, "<s>", -2)));
        var error = assertThrows(IllegalArgumentException.class, () -> TokenizerJsonWriter.tokenizerJson(llama2c));
        assertTrue(error.getMessage().contains("Tokens 1 and 260"), error.getMessage());
    }

    // Helpers.

    /** Compares ids with and without BOS, and the decoded text, between llama2.c and DJL. */
    private static void assertParity(Llama2cTokenizer llama2c, HuggingFaceTokenizer djl, List<String> texts) {
        for (String text : texts) {
            int[] withBos = llama2c.encode(text, true);
            assertArrayEquals(withBos, toInts(djl.encode(text, true, false).getIds()),
                    () -> "with BOS, " + quote(text));
            assertArrayEquals(llama2c.encode(text, false), toInts(djl.encode(text, false, false).getIds()),
                    () -> "without BOS, " + quote(text));
            long[] wide = Arrays.stream(withBos).asLongStream().toArray();
            assertEquals(text, djl.decode(wide, true), () -> "DJL decode, " + quote(text));
            assertEquals(text, llama2c.decode(withBos), () -> "llama2.c decode, " + quote(text));
        }
    }

    private static HuggingFaceTokenizer rawDjl(Path tokenizerJson) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    private Llama2cTokenizer read(Llama2cTestFiles.Vocabulary vocabulary) throws IOException {
        Path file = Llama2cTestFiles.write(Files.createTempFile(tempDir, "tok", ".bin"), vocabulary);
        return Llama2cTokenizer.read(file, vocabulary.size());
    }

    private static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }

    private static List<String> strings(JsonArray array) {
        List<String> strings = new ArrayList<>();
        array.forEach(element -> strings.add(element.getAsString()));
        return strings;
    }

    private static List<String> types(JsonObject sequence, String member) {
        List<String> types = new ArrayList<>();
        for (JsonElement element : sequence.getAsJsonArray(member)) {
            types.add(element.getAsJsonObject().get("type").getAsString());
        }
        return types;
    }

    private static JsonObject readJson(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
