package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.data.TinyTokenizerFiles.Token;
import io.github.safetyspaces.core.tokenizer.Llama2cTokenizer;
import io.github.safetyspaces.core.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftEncoderTest {

    private static final PromptTemplate SHORT_TEMPLATE = PromptTemplate.of("Q:{instruction}\nA:");
    private static final Path SOURCE = Path.of("train.jsonl");

    @TempDir
    Path tempDir;

    private List<String> vocabulary;
    private Llama2cTokenizer tiny;

    @BeforeEach
    void writeTinyTokenizer() throws IOException {
        List<Token> tokens = new ArrayList<>();
        for (String text : List.of(" ", "Q", "A", ":", "\n", "h", "i", "o", "k", "a", "y", "x")) {
            tokens.add(new Token(text, 0f));
        }
        tokens.add(new Token("hi", 1f));
        // ":x" can only form across the end of "A:" and a response that starts with x.
        tokens.add(new Token(":x", 5f));
        Path file = tempDir.resolve("tiny.bin");
        vocabulary = TinyTokenizerFiles.write(file, tokens);
        tiny = Llama2cTokenizer.read(file, vocabulary.size());
    }

    // Tiny hand-built tokenizer.

    @Test
    void exactIdsAndResponseStart() {
        SftEncoder encoder = tinyEncoder(64).build();

        SftDataset dataset = encoder.encode(List.of(example("hi", "ok")));

        SftExample encoded = dataset.examples().get(0);
        int[] expected = {1, id(" "), id("Q"), id(":"), id("hi"), id("\n"), id("A"), id(":"), id("o"), id("k"), 2};
        assertArrayEquals(expected, encoded.ids());
        assertEquals(8, encoded.responseStart());
        assertEquals(new SftEncodingStats(1, 1, 0, 0, 0, 11), dataset.stats());
    }

    @Test
    void decodedPartsArePromptAndResponse() {
        SftEncoder encoder = tinyEncoder(64).build();
        InstructionExample example = example("hiho", "okay");

        SftExample encoded = encoder.encode(List.of(example)).examples().get(0);

        int[] ids = encoded.ids();
        int start = encoded.responseStart();
        assertEquals("Q:hiho\nA:", tiny.decode(Arrays.copyOfRange(ids, 0, start)));
        assertEquals("okay", tiny.decode(Arrays.copyOfRange(ids, start, ids.length)));
        assertEquals(2, ids[ids.length - 1], "EOS last");
        assertEquals(1, ids[0], "BOS first");
    }

    @Test
    void mergeAcrossBoundaryUsesCommonPrefix() {
        SftEncoder encoder = tinyEncoder(64).build();

        SftDataset dataset = encoder.encode(List.of(example("hi", "xy"), example("hi", "ok")));

        SftExample merged = dataset.examples().get(0);
        int[] expected = {1, id(" "), id("Q"), id(":"), id("hi"), id("\n"), id("A"), id(":x"), id("y"), 2};
        assertArrayEquals(expected, merged.ids());
        // The prompt alone ends in ":" (index 7), which the full text merges into ":x", so the response
        // starts at the merged token.
        assertEquals(7, merged.responseStart());
        assertEquals(1, dataset.stats().boundaryMerges());
        int[] ids = merged.ids();
        assertEquals("Q:hi\nA", tiny.decode(Arrays.copyOfRange(ids, 0, 7)));
        assertEquals(":xy", tiny.decode(Arrays.copyOfRange(ids, 7, ids.length)));
    }

    @Test
    void truncatesAndDropsAtMaxLength() {
        // The prompt "Q:hi\nA:" is 8 tokens with BOS.
        SftEncoder encoder = tinyEncoder(10).build();
        List<InstructionExample> examples = List.of(
                example("hi", "o"),      // 8 + 1 + EOS = 10 tokens: fits
                example("hi", "okay"),   // 8 + 4 + EOS = 13 tokens: cut to 10, losing "ay" and EOS
                example("hihihi", "ok"), // prompt of 10 tokens: no response token left
                example("hi", "ok"));    // 8 + 2 + EOS = 11 tokens: cut to 10, losing EOS

        SftDataset dataset = encoder.encode(examples);

        assertEquals(new SftEncodingStats(4, 3, 2, 1, 0, 30), dataset.stats());
        List<SftExample> kept = dataset.examples();
        assertEquals(2, kept.get(0).ids()[9], "the example that fits keeps its EOS");
        assertArrayEquals(new int[] {id("o"), id("k")}, Arrays.copyOfRange(kept.get(1).ids(), 8, 10));
        assertArrayEquals(new int[] {id("o"), id("k")}, Arrays.copyOfRange(kept.get(2).ids(), 8, 10));
        for (SftExample example : kept) {
            assertEquals(10, example.length());
            assertEquals(8, example.responseStart());
        }
    }

    @Test
    void withoutBosStartsWithText() {
        SftEncoder encoder = tinyEncoder(64).optAddBos(false).build();

        SftExample encoded = encoder.encode(List.of(example("hi", "ok"))).examples().get(0);

        assertEquals(id(" "), encoded.ids()[0]);
        assertEquals(7, encoded.responseStart());
        assertEquals(10, encoded.length());
    }

    @Test
    void explicitEosOverridesTokenizer() {
        SftEncoder encoder = tinyEncoder(64).optEosId(id("\n")).build();

        SftExample encoded = encoder.encode(List.of(example("hi", "ok"))).examples().get(0);

        assertEquals(id("\n"), encoded.ids()[encoded.length() - 1]);
        assertEquals(id("\n"), encoder.eosId());
    }

    @Test
    void inputPlacedByTemplate() {
        SftEncoder encoder = tinyEncoder(64).optTemplate(PromptTemplate.of("Q:{instruction}\n{input}\nA:")).build();
        InstructionExample withInput = new InstructionExample("hi", "ho", "ok", SOURCE, 1);

        SftExample encoded = encoder.encode(List.of(withInput)).examples().get(0);

        int[] ids = encoded.ids();
        assertEquals("Q:hi\nho\nA:", tiny.decode(Arrays.copyOfRange(ids, 0, encoded.responseStart())));
    }

    @Test
    void tokenizerWithoutEosNeedsExplicitId() {
        TextTokenizer noEos = new CharacterTokenizer();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SftEncoder.builder().setTokenizer(noEos).setMaxLength(32).build());

        assertTrue(error.getMessage().contains("has no EOS token"), error.getMessage());
        assertTrue(error.getMessage().contains("optEosId"), error.getMessage());
        SftEncoder encoder = SftEncoder.builder()
                .setTokenizer(noEos)
                .setMaxLength(32)
                .optTemplate(SHORT_TEMPLATE)
                .optEosId(0)
                .build();
        SftExample encoded = encoder.encode(List.of(example("hi", "ok"))).examples().get(0);
        // The character tokenizer has no BOS, so the sequence is the text's characters and the EOS.
        int[] expected = "Q:hi\nA:ok\0".chars().toArray();
        assertArrayEquals(expected, encoded.ids());
        assertEquals(7, encoded.responseStart());
    }

    @Test
    void invalidSettingsRejected() {
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> tinyEncoder(32).optEosId(vocabulary.size()).build());
        IllegalArgumentException shortLength = assertThrows(IllegalArgumentException.class,
                () -> tinyEncoder(1).build());
        IllegalArgumentException noTokenizer = assertThrows(IllegalArgumentException.class,
                () -> SftEncoder.builder().setMaxLength(8).build());

        assertTrue(outside.getMessage().contains("outside the tokenizer's vocabulary"), outside.getMessage());
        assertTrue(shortLength.getMessage().contains("at least 2"), shortLength.getMessage());
        assertTrue(noTokenizer.getMessage().contains("setTokenizer"), noTokenizer.getMessage());
    }

    @Test
    void exampleValidation() {
        assertThrows(IllegalArgumentException.class, () -> new SftExample(new int[] {1, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> new SftExample(new int[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> new SftExample(new int[] {1, 2}, -1));
        assertEquals(1, new SftExample(new int[] {5, 2}, 0).predictedTokens());
        assertEquals(2, new SftExample(new int[] {1, 5, 6, 2}, 2).predictedTokens());
        int[] ids = {1, 5, 2};
        SftExample example = new SftExample(ids, 1);
        ids[1] = 99;
        assertEquals(5, example.ids()[1], "the constructor copies the ids");
        assertEquals(new SftExample(new int[] {1, 5, 2}, 1), example);
    }

    // Shared data: the stories260K tokenizer.

    @Test
    void stories260kResponseStart() {
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(SharedData.require("models/stories260K/tok512.bin"), 512);
        SftEncoder encoder = SftEncoder.builder().setTokenizer(tokenizer).setMaxLength(512).build();
        List<InstructionExample> examples = List.of(
                new InstructionExample("Tell me a story about a cat.", "", "Once upon a time, there was a cat.", SOURCE,
                        1),
                new InstructionExample("Summarize.", "Lily saw a big, red ball.", "A girl saw a ball.", SOURCE, 2),
                new InstructionExample("What is 48 / 2?", "", "48/2 = <<48/2=24>>24\n#### 24", SOURCE, 3),
                new InstructionExample("Écris « bonjour ».", "", " café 😀", SOURCE, 4));

        SftDataset dataset = encoder.encode(examples);

        assertEquals(4, dataset.stats().kept());
        int exactChecks = 0;
        for (int i = 0; i < examples.size(); i++) {
            InstructionExample example = examples.get(i);
            SftExample encoded = dataset.examples().get(i);
            String prompt = PromptTemplate.DEFAULT.render(example);
            int[] ids = encoded.ids();
            int start = encoded.responseStart();
            int[] promptIds = tokenizer.encode(prompt, true);

            assertEquals(1, ids[0], "BOS first");
            assertEquals(2, ids[ids.length - 1], "EOS last");
            String before = tokenizer.decode(Arrays.copyOfRange(ids, 0, start));
            String after = tokenizer.decode(Arrays.copyOfRange(ids, start, ids.length));
            assertEquals(prompt + example.response(), before + after, example.origin());
            if (Arrays.equals(promptIds, Arrays.copyOf(ids, promptIds.length))) {
                assertEquals(promptIds.length, start, example.origin());
                assertEquals(prompt, before, example.origin());
                assertEquals(example.response(), after, example.origin());
                exactChecks++;
            }
        }
        assertTrue(exactChecks > 0, "no example had the prompt's tokens as a prefix");
    }

    @Test
    void stories260kOnGsm8k() {
        Llama2cTokenizer tokenizer = Llama2cTokenizer.read(SharedData.require("models/stories260K/tok512.bin"), 512);
        DataSource source = DataSource.builder()
                .setPath(SharedData.require("gsm8k/train.jsonl"))
                .optInstructionField("question")
                .optResponseField("answer")
                .optSeed(3)
                .optLimit(200)
                .build();
        List<InstructionExample> examples = InstructionData.read(source);
        SftEncoder encoder = SftEncoder.builder().setTokenizer(tokenizer).setMaxLength(256).build();

        SftDataset dataset = encoder.encode(examples);

        SftEncodingStats stats = dataset.stats();
        assertEquals(200, stats.examples());
        assertEquals(200, stats.kept() + stats.dropped());
        long tokens = 0;
        int truncated = 0;
        for (SftExample example : dataset.examples()) {
            assertTrue(example.length() <= 256);
            tokens += example.length();
            if (example.ids()[example.length() - 1] != 2) {
                truncated++;
            }
        }
        assertEquals(stats.tokens(), tokens);
        assertEquals(stats.truncated(), truncated, "a kept example lacks its final EOS exactly when it was cut");
    }

    private SftEncoder.Builder tinyEncoder(int maxLength) {
        return SftEncoder.builder().setTokenizer(tiny).setMaxLength(maxLength).optTemplate(SHORT_TEMPLATE);
    }

    private int id(String token) {
        int id = vocabulary.indexOf(token);
        assertTrue(id >= TinyTokenizerFiles.FIRST_REGULAR_ID, "token " + token);
        return id;
    }

    private static InstructionExample example(String instruction, String response) {
        return new InstructionExample(instruction, "", response, SOURCE, 1);
    }

    /** Maps each ASCII character to its code, with no BOS and no EOS, as a stand-in for such tokenizers. */
    private static final class CharacterTokenizer implements TextTokenizer {

        @Override
        public int[] encode(String text, boolean addBos) {
            return text.chars().toArray();
        }

        @Override
        public String decode(int[] ids) {
            return new String(ids, 0, ids.length);
        }

        @Override
        public int vocabSize() {
            return 128;
        }

        @Override
        public OptionalInt bosId() {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt eosId() {
            return OptionalInt.empty();
        }

        @Override
        public String tokenText(int id) {
            return Character.toString(id);
        }

        @Override
        public void close() {
        }
    }
}
