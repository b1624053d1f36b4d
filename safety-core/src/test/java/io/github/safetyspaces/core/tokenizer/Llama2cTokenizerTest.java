package io.github.safetyspaces.core.tokenizer;

import static io.github.safetyspaces.core.tokenizer.Llama2cTestFiles.tokens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cTokenizerTest {

    private static final String TOK512 = "models/stories260K/tok512.bin";
    private static final int STORIES_VOCAB = 512;

    @TempDir
    Path tempDir;

    // Shared data: the stories260K vocabulary.

    @Test
    void readsStories260kVocabulary() throws IOException {
        Path file = SharedData.require(TOK512);
        Llama2cTestFiles.Vocabulary reference = Llama2cTestFiles.read(file, STORIES_VOCAB);
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(file, STORIES_VOCAB);

        assertEquals(STORIES_VOCAB, tokenizer.vocabSize());
        for (int id = 0; id < STORIES_VOCAB; id++) {
            assertEquals(reference.tokens().get(id), tokenizer.tokenText(id), "token " + id);
            assertEquals(reference.scores().get(id).floatValue(), tokenizer.score(id), "score of token " + id);
        }
        assertEquals("<unk>", tokenizer.tokenText(0));
        assertEquals("\n<s>\n", tokenizer.tokenText(1));
        assertEquals("\n</s>\n", tokenizer.tokenText(2));
        assertEquals("<0x41>", tokenizer.tokenText(3 + 0x41));
        assertEquals(OptionalInt.of(1), tokenizer.bosId());
        assertEquals(OptionalInt.of(2), tokenizer.eosId());
    }

    @Test
    void greedyStoryRoundTrips() throws IOException {
        Path file = SharedData.require(TOK512);
        Llama2cTestFiles.Vocabulary reference = Llama2cTestFiles.read(file, STORIES_VOCAB);
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(file, STORIES_VOCAB);

        int[] ids = tokenizer.encode(TokenizerCorpus.GREEDY_STORY, true);

        // " Once", " upon", " a" and " time" are whole tokens of this vocabulary.
        int[] expectedStart = {
            1,
            reference.tokens().indexOf(" Once"),
            reference.tokens().indexOf(" upon"),
            reference.tokens().indexOf(" a"),
            reference.tokens().indexOf(" time")};
        assertArrayEquals(expectedStart, Arrays.copyOf(ids, expectedStart.length));
        assertEquals(TokenizerCorpus.GREEDY_STORY, tokenizer.decode(ids));
    }

    @Test
    void encodingMatchesBruteForceReference() throws IOException {
        Path file = SharedData.require(TOK512);
        Llama2cTestFiles.Vocabulary reference = Llama2cTestFiles.read(file, STORIES_VOCAB);
        BruteForceBpe bruteForce = new BruteForceBpe(reference);
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(file, STORIES_VOCAB);

        List<String> corpus = TokenizerCorpus.build(reference.tokens().subList(259, STORIES_VOCAB), 1000, 17);
        assertTrue(corpus.size() > 1000, "corpus size " + corpus.size());
        for (String text : corpus) {
            assertArrayEquals(bruteForce.encode(text, true), tokenizer.encode(text, true), () -> quote(text));
            assertArrayEquals(bruteForce.encode(text, false), tokenizer.encode(text, false), () -> quote(text));
        }
    }

    @Test
    void corpusRoundTripsWithBos() {
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(SharedData.require(TOK512), STORIES_VOCAB);
        List<String> corpus = TokenizerCorpus.build(List.of(), 300, 5);
        for (String text : corpus) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> quote(text));
        }
    }

    @Test
    void byteFallbackForMissingCharacters() throws IOException {
        Path file = SharedData.require(TOK512);
        Llama2cTestFiles.Vocabulary reference = Llama2cTestFiles.read(file, STORIES_VOCAB);
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(file, STORIES_VOCAB);
        int space = reference.tokens().indexOf(" ");

        for (String text : List.of("日本", "😀", "Привет", "👍🏽")) {
            List<Integer> expected = new ArrayList<>();
            expected.add(space);
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                expected.add((b & 0xFF) + 3);
            }
            int[] ids = tokenizer.encode(text, false);
            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), ids, text);
            assertEquals(text, tokenizer.decode(prepend(1, ids)), text);
        }

        // "é" is a token of its own in this vocabulary, so it needs no byte fallback.
        int eAcute = reference.tokens().indexOf("é");
        assertTrue(eAcute > 258, "é id " + eAcute);
        assertArrayEquals(new int[] {1, space, eAcute}, tokenizer.encode("é", true));
        assertEquals("café naïve", tokenizer.decode(tokenizer.encode("café naïve", true)));
    }

    @Test
    void emptyTextGivesOnlyBos() {
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(SharedData.require(TOK512), STORIES_VOCAB);
        assertArrayEquals(new int[] {1}, tokenizer.encode("", true));
        assertArrayEquals(new int[0], tokenizer.encode("", false));
        assertEquals("", tokenizer.decode(new int[] {1}));
    }

    // Synthetic vocabularies: no shared data needed.

    @Test
    void mergesHighestScoreFirst() throws IOException {
        // "ba" outranks "ab", so " aba" becomes " ", "a", "ba" and never " ", "ab", "a".
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "a", -11, "b", -12, "ab", -2, "ba", -1));
        Llama2cTokenizer tokenizer = read(vocabulary);
        assertArrayEquals(ids(vocabulary, " ", "a", "ba"), tokenizer.encode("aba", false));
    }

    @Test
    void mergesLeftmostPairOnTie() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "a", -11, "aa", -1));
        Llama2cTokenizer tokenizer = read(vocabulary);
        assertArrayEquals(ids(vocabulary, " ", "aa", "a"), tokenizer.encode("aaa", false));
        assertArrayEquals(ids(vocabulary, " ", "aa", "aa"), tokenizer.encode("aaaa", false));
    }

    @Test
    void negativeZeroScoreTiesWithZero() throws IOException {
        // run.c compares with '>', so -0.0 and 0.0 tie and the leftmost pair wins.
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "a", -11, "b", -12, "ab", 0.0f, "ba", -0.0f));
        Llama2cTokenizer tokenizer = read(vocabulary);
        assertArrayEquals(ids(vocabulary, " ", "ba", "b"), tokenizer.encode("bab", false));
        assertArrayEquals(ids(vocabulary, " ", "ab", "a"), tokenizer.encode("aba", false));
    }

    @Test
    void scoresAtFloorNeverMerge() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "a", -11, "b", -12, "ab", -1e10f, "ba", Float.NaN, "bb", -1e9f));
        Llama2cTokenizer tokenizer = read(vocabulary);
        assertArrayEquals(ids(vocabulary, " ", "a", "b", "a"), tokenizer.encode("aba", false));
        assertArrayEquals(ids(vocabulary, " ", "bb"), tokenizer.encode("bb", false));
    }

    @Test
    void dummyPrefixMergesWithFirstWord() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "h", -11, "i", -12, " h", -3, "hi", -2, " hi", -1));
        Llama2cTokenizer tokenizer = read(vocabulary);
        assertArrayEquals(ids(vocabulary, "\n<s>\n", " hi"), tokenizer.encode("hi", true));
        assertArrayEquals(ids(vocabulary, " ", " hi"), tokenizer.encode(" hi", false));
    }

    @Test
    void syntheticVocabularyMatchesBruteForce() throws IOException {
        // Several tokens have more than one split, and "her" has both "h"+"er" and "he"+"r".
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(tokens(
                " ", -20, "h", -21, "e", -22, "r", -23, "t", -24, "é", -25,
                "he", -1, "er", -2, " t", -3, " h", -4, "her", -5, " he", -6, " her", -7, "th", -8, "the", -9,
                " the", -10, "ee", -11, "eee", -12));
        Llama2cTokenizer tokenizer = read(vocabulary);
        BruteForceBpe bruteForce = new BruteForceBpe(vocabulary);
        List<String> alphabet = List.of("h", "e", "r", "t", " ", "é", "x", "日", "\n");

        java.util.Random random = new java.util.Random(3);
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(14);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.get(random.nextInt(alphabet.size())));
            }
            String s = text.toString();
            assertArrayEquals(bruteForce.encode(s, true), tokenizer.encode(s, true), () -> quote(s));
            assertEquals(s, tokenizer.decode(tokenizer.encode(s, true)), () -> quote(s));
        }
    }

    @Test
    void decodeFollowsRunC() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(
                tokens(" ", -10, "a", -11, " a", -1, "b", -12));
        Llama2cTokenizer tokenizer = read(vocabulary);
        int[] spaceA = ids(vocabulary, " a");
        int[] b = ids(vocabulary, "b");

        assertEquals(" a", tokenizer.decode(spaceA), "no BOS: the leading space stays");
        assertEquals("a", tokenizer.decode(prepend(1, spaceA)), "after BOS the leading space goes");
        assertEquals("a a", tokenizer.decode(concat(prepend(1, spaceA), spaceA, new int[] {2})), "EOS skipped");
        assertEquals("ba a", tokenizer.decode(concat(b, new int[] {1}, spaceA, new int[] {2}, spaceA)),
                "BOS in the middle strips the next token's space only");
        assertEquals("<unk>", tokenizer.decode(new int[] {0}));
    }

    @Test
    void decodeAssemblesByteRuns() throws IOException {
        Llama2cTokenizer tokenizer = read(Llama2cTestFiles.withFixedIds(tokens(" ", -1)));
        int[] eAcute = {3 + 0xC3, 3 + 0xA9};
        assertEquals("é", tokenizer.decode(eAcute));
        // A special token between the bytes is skipped before assembling, as Hugging Face does.
        assertEquals("é", tokenizer.decode(new int[] {3 + 0xC3, 2, 3 + 0xA9}));
        // An invalid run becomes one replacement character per byte.
        assertEquals("\uFFFD\uFFFD", tokenizer.decode(new int[] {3 + 0xC3, 3 + 0x41 + 0x80}));
        assertEquals("\uFFFD", tokenizer.decode(new int[] {3 + 0xFF}));
        assertEquals("\uFFFD\uFFFD", tokenizer.decode(new int[] {3 + 0x41, 3 + 0xFF}), "the whole run is replaced");
        assertEquals("A \uFFFD", tokenizer.decode(new int[] {3 + 0x41, 259, 3 + 0xFF}),
                "a regular token ends a run");
    }

    @Test
    void rejectsIdsOutsideVocabulary() throws IOException {
        Llama2cTokenizer tokenizer = read(Llama2cTestFiles.withFixedIds(tokens(" ", -1)));
        var error = assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {260}));
        assertTrue(error.getMessage().contains("260"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenText(-1));
    }

    // Malformed files.

    @Test
    void missingFileNamesPath() {
        Path missing = tempDir.resolve("nothing.bin");
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(missing, 300));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
    }

    @Test
    void truncatedFileNamesTokenIndex() throws IOException {
        Path file = Llama2cTestFiles.write(tempDir.resolve("tok.bin"),
                Llama2cTestFiles.withFixedIds(tokens(" ", -1, "a", -2)));
        byte[] full = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(full, full.length - 1));

        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 261));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("token 260"), error.getMessage());
    }

    @Test
    void vocabularySizeTooLargeNamesTokenIndex() throws IOException {
        Path file = Llama2cTestFiles.write(tempDir.resolve("tok.bin"),
                Llama2cTestFiles.withFixedIds(tokens(" ", -1)));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 300));
        assertTrue(error.getMessage().contains("token 260"), error.getMessage());
    }

    @Test
    void vocabularySizeTooSmallReportsLeftoverBytes() throws IOException {
        Path file = Llama2cTestFiles.write(tempDir.resolve("tok.bin"),
                Llama2cTestFiles.withFixedIds(tokens(" ", -1, "a", -2)));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 260));
        assertTrue(error.getMessage().contains("remain after 260 tokens"), error.getMessage());
    }

    @Test
    void negativeLengthNamesTokenIndex() throws IOException {
        Path file = tempDir.resolve("negative.bin");
        Files.write(file, concatBytes(Llama2cTestFiles.ints(5, 0, -3)));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 300));
        assertTrue(error.getMessage().contains("token 0"), error.getMessage());
        assertTrue(error.getMessage().contains("negative"), error.getMessage());
    }

    @Test
    void lengthAboveHeaderMaximumIsRejected() throws IOException {
        Path file = tempDir.resolve("long.bin");
        Files.write(file, concatBytes(Llama2cTestFiles.ints(2, 0, 3), "abc".getBytes(StandardCharsets.US_ASCII)));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 300));
        assertTrue(error.getMessage().contains("max_token_length 2"), error.getMessage());
    }

    @Test
    void invalidUtf8TokenIsRejected() throws IOException {
        Path file = tempDir.resolve("utf8.bin");
        Files.write(file, concatBytes(Llama2cTestFiles.ints(2, 0, 1), new byte[] {(byte) 0xC3}));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 300));
        assertTrue(error.getMessage().contains("token 0 is not valid UTF-8"), error.getMessage());
    }

    @Test
    void missingByteTokenIsRejected() throws IOException {
        Llama2cTestFiles.Vocabulary vocabulary = Llama2cTestFiles.withFixedIds(tokens(" ", -1));
        List<String> changed = new ArrayList<>(vocabulary.tokens());
        changed.set(3 + 0x41, "A");
        Path file = Llama2cTestFiles.write(tempDir.resolve("bytes.bin"),
                new Llama2cTestFiles.Vocabulary(changed, vocabulary.scores()));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 260));
        assertTrue(error.getMessage().contains("token 68"), error.getMessage());
        assertTrue(error.getMessage().contains("<0x41>"), error.getMessage());
    }

    @Test
    void vocabularyTooSmallForFormatIsRejected() throws IOException {
        Path file = Llama2cTestFiles.write(tempDir.resolve("tok.bin"),
                Llama2cTestFiles.withFixedIds(tokens(" ", -1)));
        var error = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.read(file, 100));
        assertTrue(error.getMessage().contains("100"), error.getMessage());
    }

    // Helpers.

    private Llama2cTokenizer read(Llama2cTestFiles.Vocabulary vocabulary) throws IOException {
        Path file = Llama2cTestFiles.write(Files.createTempFile(tempDir, "tok", ".bin"), vocabulary);
        return Llama2cTokenizer.read(file, vocabulary.size());
    }

    static int[] ids(Llama2cTestFiles.Vocabulary vocabulary, String... tokens) {
        return Arrays.stream(tokens).mapToInt(token -> {
            int id = vocabulary.tokens().indexOf(token);
            assertTrue(id >= 0, "test vocabulary lacks " + quote(token));
            return id;
        }).toArray();
    }

    static int[] prepend(int first, int[] rest) {
        return concat(new int[] {first}, rest);
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static byte[] concatBytes(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static String quote(String text) {
        return "text \"" + Llama2cTokenizer.escape(text) + "\"";
    }
}
