package io.github.safetyspaces.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.BFloat16;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.llama2c.Llama2cCheckpoint;
import io.github.safetyspaces.core.llama2c.Llama2cConverter;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import io.github.safetyspaces.core.model.ModelConfigJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end checks on stories260K, a real 260K-parameter Llama model trained by llama2.c's author:
 * its greedy text from BOS was checked with an independent implementation, so matching it checks
 * the forward pass, rotary embedding, grouped-query attention and tokenizer together.
 */
class Stories260KTest {

    static final String GREEDY_TEXT = "Once upon a time, there was a little girl named Lily. She loved to play"
            + " outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high";

    private static Path checkpoint;
    private static Path tokenizer;

    @TempDir
    Path temporary;

    @BeforeAll
    static void findModel() {
        checkpoint = SharedData.require("models/stories260K/stories260K.bin");
        tokenizer = SharedData.require("models/stories260K/tok512.bin");
    }

    @Test
    void greedyFromBosMatchesKnownText() {
        try (LanguageModel model = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU)) {
            Completion completion = model.complete(List.of(""), GenerationOptions.greedy(60)).get(0);
            assertTrue(completion.text().startsWith(GREEDY_TEXT), completion.text());
        }
    }

    @Test
    void convertedCheckpointGeneratesTheSameTokens() {
        Path converted = temporary.resolve("stories260K-hf");
        Llama2cConverter.convert(checkpoint, tokenizer, converted, SafetensorsDType.F32);

        try (LanguageModel direct = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU);
                LanguageModel fromDirectory = LanguageModel.open(converted, null, ComputeDevice.CPU)) {
            List<String> prompts = List.of("", "Once upon a time, Tom", "The cat");
            List<Completion> expected = direct.complete(prompts, GenerationOptions.greedy(40));
            List<Completion> actual = fromDirectory.complete(prompts, GenerationOptions.greedy(40));
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(expected.get(i).tokenIds(), actual.get(i).tokenIds(), prompts.get(i));
                assertEquals(expected.get(i).text(), actual.get(i).text(), prompts.get(i));
            }
            assertTrue(actual.get(0).text().startsWith(GREEDY_TEXT.substring(0, 100)), actual.get(0).text());
        }
    }

    @Test
    void convertedWeightsEqualTheOriginal() throws IOException {
        Path f32 = temporary.resolve("f32");
        Path bf16 = temporary.resolve("bf16");
        Llama2cConverter.convert(checkpoint, tokenizer, f32, SafetensorsDType.F32);
        Llama2cConverter.convert(checkpoint, tokenizer, bf16, SafetensorsDType.BF16);
        assertEquals("float32", ModelConfigJson.read(f32).torchDtype());
        assertEquals("bfloat16", ModelConfigJson.read(bf16).torchDtype());

        TensorSource original = Llama2cCheckpoint.read(checkpoint).tensors();
        try (SafetensorsFile exact = SafetensorsFile.open(f32.resolve("model.safetensors"));
                SafetensorsFile rounded = SafetensorsFile.open(bf16.resolve("model.safetensors"))) {
            assertEquals("pt", exact.metadata().get("format"), "transformers requires format=pt");
            assertEquals(original.names(), exact.names());
            for (String name : original.names()) {
                FloatTensor expected = original.read(name);
                assertEquals(expected, exact.read(name), name);
                float[] roundedValues = rounded.read(name).data();
                for (int i = 0; i < roundedValues.length; i++) {
                    float reference = BFloat16.toFloat(BFloat16.fromFloat(expected.data()[i]));
                    assertEquals(reference, roundedValues[i], name + "[" + i + "]");
                }
            }
        }
        try (Stream<Path> files = Files.list(f32)) {
            assertEquals(List.of("config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
                    "tokenizer_config.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void failedConversionLeavesNoDirectory() throws IOException {
        // A vocabulary with two equal tokens reads fine but cannot become a tokenizer.json, so the
        // conversion fails inside the output directory, after config.json and the weights are written.
        Path badTokenizer = temporary.resolve("duplicate-token.bin");
        Files.write(badTokenizer, withDuplicateToken(Files.readAllBytes(tokenizer), 300, 301));
        Path output = temporary.resolve("never");
        assertThrows(IllegalArgumentException.class,
                () -> Llama2cConverter.convert(checkpoint, badTokenizer, output, SafetensorsDType.F32));
        assertFalse(Files.exists(output));
        try (Stream<Path> left = Files.list(temporary)) {
            assertEquals(List.of("duplicate-token.bin"), left.map(p -> p.getFileName().toString()).toList(),
                    "no partial directory is left behind");
        }

        Files.createDirectories(output.resolve("occupied"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Llama2cConverter.convert(checkpoint, tokenizer, output, SafetensorsDType.F32));
        assertTrue(error.getMessage().contains(output.toString()), error.getMessage());
    }

    /** Rewrites a llama2.c tokenizer file with token {@code target} replaced by a copy of token {@code source}. */
    private static byte[] withDuplicateToken(byte[] file, int target, int source) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int maxLength = in.getInt();
        List<float[]> scores = new java.util.ArrayList<>();
        List<byte[]> tokens = new java.util.ArrayList<>();
        while (in.hasRemaining()) {
            scores.add(new float[] {in.getFloat()});
            byte[] bytes = new byte[in.getInt()];
            in.get(bytes);
            tokens.add(bytes);
        }
        tokens.set(target, tokens.get(source));
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(file.length + 64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putInt(maxLength);
        for (int i = 0; i < tokens.size(); i++) {
            out.putFloat(scores.get(i)[0]).putInt(tokens.get(i).length).put(tokens.get(i));
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void savedModelReloadsWithSameLogits() {
        Path saved = temporary.resolve("saved");
        try (LanguageModel original = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU)) {
            io.github.safetyspaces.core.checkpoint.AtomicDirectory.write(saved,
                    dir -> original.save(dir, SafetensorsDType.F32));
            try (LanguageModel reloaded = LanguageModel.open(saved, null, ComputeDevice.CPU);
                    ai.djl.ndarray.NDManager scope = original.decoder().manager().newSubManager()) {
                int[] prompt = original.encodePrompt("Lily and Tom went to the park.");
                assertArrayEquals(prompt, reloaded.encodePrompt("Lily and Tom went to the park."));
                long[] ids = java.util.Arrays.stream(prompt).asLongStream().toArray();
                ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(1, ids.length);
                float[] expected = original.decoder().forward(scope.create(ids, shape), null, null, null).toFloatArray();
                float[] actual = reloaded.decoder().forward(scope.create(ids, shape), null, null, null).toFloatArray();
                assertArrayEquals(expected, actual, "float32 weights round-trip exactly, so logits are equal");
            }
        }
    }

    @Test
    void continuationKeepsSpacesAndSplitCharacters() {
        try (LanguageModel model = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU)) {
            int[] full = model.encodePrompt("Lily saw 日本 today");
            // Split "日" (three byte-fallback tokens) between prompt and completion.
            int split = -1;
            for (int i = 0; i + 2 < full.length; i++) {
                if (model.tokenizer().tokenText(full[i]).equals("<0xE6>")) {
                    split = i + 1;
                    break;
                }
            }
            assertTrue(split > 0, "the tokenizer must spell this character in bytes for the test to mean anything");
            int[] prompt = java.util.Arrays.copyOf(full, split);
            int[] generated = java.util.Arrays.copyOfRange(full, split, full.length);
            assertEquals("日本 today", model.decodeContinuation(prompt, generated));

            // Split after "Lily saw": the completion keeps its leading space.
            int[] words = model.encodePrompt("Lily saw a dog");
            int cut = 1;
            while (!model.tokenizer().decode(java.util.Arrays.copyOf(words, cut)).equals("Lily saw")) {
                cut++;
            }
            assertEquals(" a dog", model.decodeContinuation(java.util.Arrays.copyOf(words, cut),
                    java.util.Arrays.copyOfRange(words, cut, words.length)));
        }
    }

    @Test
    void batchedGenerationMatchesOnePromptAtATime() {
        List<String> prompts = List.of("Once upon a time", "Lily", "The little dog ran to the park and saw a bird.",
                "", "Tom and Sue were friends. One day");
        try (LanguageModel model = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU)) {
            List<Completion> batched = model.complete(prompts, GenerationOptions.greedy(30).withBatchSize(5));
            for (int i = 0; i < prompts.size(); i++) {
                Completion alone = model.complete(List.of(prompts.get(i)), GenerationOptions.greedy(30)).get(0);
                assertArrayEquals(alone.tokenIds(), batched.get(i).tokenIds(), prompts.get(i));
            }
        }
    }
}
