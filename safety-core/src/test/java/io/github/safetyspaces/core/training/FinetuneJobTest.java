package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.data.DataMixture;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.io.ScratchMount;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tunes stories260K end to end: data file in, checkpoint directory out. */
class FinetuneJobTest {

    private static final List<String[]> ROWS = List.of(
            new String[] {"What color is the sky?", "The sky is blue."},
            new String[] {"What does the cat say?", "The cat says meow."},
            new String[] {"Who likes to play?", "Lily likes to play."},
            new String[] {"Where is the ball?", "The ball is in the park."},
            new String[] {"What is big?", "The tree is big."},
            new String[] {"Who is happy?", "Tom is happy."},
            new String[] {"What does the dog want?", "The dog wants a bone."},
            new String[] {"What is red?", "The apple is red."});

    private static Path model;
    private static Path tokenizer;

    @TempDir
    Path temporary;

    @BeforeAll
    static void findModel() {
        model = SharedData.require("models/stories260K/stories260K.bin");
        tokenizer = SharedData.require("models/stories260K/tok512.bin");
    }

    private Path writeData() throws IOException {
        Path file = temporary.resolve("eight.jsonl");
        StringBuilder lines = new StringBuilder();
        for (String[] row : ROWS) {
            JsonObject json = new JsonObject();
            json.addProperty("instruction", row[0]);
            json.addProperty("output", row[1]);
            lines.append(json).append('\n');
        }
        Files.writeString(file, lines.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private FinetuneRequest request(Path data, Path output, boolean force) {
        return request(data, output, force, 20);
    }

    private FinetuneRequest request(Path data, Path output, boolean force, int steps) {
        TrainingConfig training = new TrainingConfig(3e-3, 0, LearningRateSchedule.CONSTANT, 0, 0.9, 0.999, 1e-8, 0,
                8, 1, 1, steps, 1.0, 42, 50, 0);
        DataMixture mixture = new DataMixture(List.of(MixtureComponent.all(DataSource.of(data))), 42);
        return new FinetuneRequest(model, tokenizer, mixture, PromptTemplate.DEFAULT, 128, training, output,
                SafetensorsDType.F32, ComputeDevice.CPU, force);
    }

    @Test
    void trainedModelReproducesItsResponses() throws IOException {
        Path data = writeData();
        Path output = temporary.resolve("memorized");
        FinetuneJob.Result result = FinetuneJob.run(request(data, output, false, 150));

        // Loss falls.
        List<StepLog> logs = result.logs();
        assertEquals(150, logs.size());
        assertTrue(logs.get(logs.size() - 1).loss() < logs.get(0).loss() / 10,
                "loss " + logs.get(0).loss() + " -> " + logs.get(logs.size() - 1).loss());

        // The checkpoint applies its recorded template and answers each instruction greedily.
        try (LanguageModel trained = LanguageModel.open(output, null, ComputeDevice.CPU)) {
            PromptTemplate template = trained.recordedTemplate().orElseThrow();
            assertEquals(PromptTemplate.DEFAULT, template);
            List<String> prompts = ROWS.stream().map(row -> template.render(row[0], "")).toList();
            List<Completion> completions = trained.complete(prompts, GenerationOptions.greedy(24));
            for (int i = 0; i < ROWS.size(); i++) {
                assertEquals(ROWS.get(i)[1], completions.get(i).text(), ROWS.get(i)[0]);
            }
        }

        // The record and the log.
        try (Stream<Path> files = Files.list(output)) {
            assertEquals(List.of("config.json", "model.safetensors", "prompt_template.json", "special_tokens_map.json",
                    "tokenizer.json", "tokenizer_config.json", "train-log.csv", "training.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        List<String> csv = Files.readAllLines(output.resolve(TrainingLogCsv.FILE_NAME));
        assertEquals(String.join(",", TrainingLogCsv.COLUMNS), csv.get(0));
        assertEquals(151, csv.size());
        JsonObject record = JsonParser.parseString(Files.readString(output.resolve(FinetuneJob.TRAINING_JSON)))
                .getAsJsonObject();
        assertEquals(result.fingerprint(), record.get("fingerprint").getAsString());
        JsonObject inputs = record.getAsJsonObject("inputs");
        assertEquals(io.github.safetyspaces.core.io.Sha256.ofFile(data),
                inputs.getAsJsonObject("data").getAsJsonArray("components").get(0).getAsJsonObject()
                        .get("sha256").getAsString());
        assertEquals("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696",
                inputs.getAsJsonObject("model").get("sha256").getAsString(), "published sha256 of stories260K.bin");
        assertEquals(8, record.getAsJsonObject("results").get("kept").getAsInt());
    }

    @Test
    void sameSeedGivesIdenticalCheckpointAndRerunSkips() throws IOException {
        Path data = writeData();
        Path first = temporary.resolve("first");
        Path second = temporary.resolve("second");
        FinetuneJob.run(request(data, first, false));
        FinetuneJob.run(request(data, second, false));
        assertArrayEquals(Files.readAllBytes(first.resolve("model.safetensors")),
                Files.readAllBytes(second.resolve("model.safetensors")));

        // Same inputs: skipped, untouched, and a state left by a run killed after its output was
        // written is deleted.
        long modified = Files.getLastModifiedTime(first.resolve("model.safetensors")).toMillis();
        Path leftover = Files.createDirectories(temporary.resolve("first.state"));
        Files.writeString(leftover.resolve(TrainingStateDirectory.STATE_JSON), "{}");
        Path partial = Files.createDirectories(temporary.resolve(".first.state.partial-1234"));
        FinetuneJob.Result again = FinetuneJob.run(request(data, first, false));
        assertTrue(again.skipped());
        assertEquals(modified, Files.getLastModifiedTime(first.resolve("model.safetensors")).toMillis());
        assertFalse(Files.exists(leftover), "the skip deletes the leftover state");
        assertFalse(Files.exists(partial), "and the leftover of its killed save");

        // Forced, or with changed data: trained again.
        assertFalse(FinetuneJob.run(request(data, first, true)).skipped());
        Files.writeString(data, "{\"instruction\": \"Who runs?\", \"output\": \"Sam runs.\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertFalse(FinetuneJob.run(request(data, first, false)).skipped());
    }

    @Test
    void failedStateSaveOnlyWarns() throws Exception {
        Path data = writeData();

        // 1.5 MiB: room for the checkpoint (1 MiB of float32 weights), not for a state (3 MiB).
        try (ScratchMount disk = ScratchMount.ofSize(temporary.resolve("disk"), 1536)) {
            Path output = disk.folder().resolve("model");
            FinetuneRequest defaults = request(data, output, false, 10);
            FinetuneRequest request = new FinetuneRequest(defaults.model(), defaults.tokenizer(), defaults.data(),
                    defaults.template(), defaults.maxLength(), defaults.training().withStateEvery(3), output,
                    defaults.dtype(), defaults.device(), false);

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.err;
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                FinetuneJob.run(request);
            } finally {
                System.setErr(original);
            }
            String log = captured.toString(StandardCharsets.UTF_8);

            Path state = disk.folder().resolve("model.state");
            for (int step : new int[] {3, 6, 9}) {
                assertTrue(log.contains("Cannot save the training state of step " + step + " to " + state + ": "),
                        log);
            }
            assertTrue(log.contains("set stateEvery=0"), log);
            assertTrue(Files.isRegularFile(output.resolve("model.safetensors")), "the run completes");
            assertFalse(Files.exists(state));
        }
    }

    @Test
    void savedCheckpointMatchesTrainedModel() throws IOException {
        Path data = writeData();
        try (LanguageModel model = LanguageModel.open(this.model, tokenizer, ComputeDevice.CPU)) {
            // Train in memory for a few steps, then save in both storage types.
            var encoder = io.github.safetyspaces.core.data.SftEncoder.builder().setTokenizer(model.tokenizer())
                    .setMaxLength(128).build();
            var dataset = encoder.encode(io.github.safetyspaces.core.data.InstructionData.read(DataSource.of(data)));
            var batches = new io.github.safetyspaces.core.data.SftBatches(dataset.examples(), 8, encoder.eosId(), 1);
            new SftTrainer(model.decoder(), request(data, temporary, false).training()).train(batches::epoch, null);
            Path f32 = temporary.resolve("f32");
            Path bf16 = temporary.resolve("bf16");
            io.github.safetyspaces.core.checkpoint.AtomicDirectory.write(f32, dir -> model.save(dir, SafetensorsDType.F32));
            io.github.safetyspaces.core.checkpoint.AtomicDirectory.write(bf16,
                    dir -> model.save(dir, SafetensorsDType.BF16));

            float[] expected = logits(model, "What color is the sky?");
            try (LanguageModel exact = LanguageModel.open(f32, null, ComputeDevice.CPU);
                    LanguageModel rounded = LanguageModel.open(bf16, null, ComputeDevice.CPU)) {
                assertArrayEquals(expected, logits(exact, "What color is the sky?"), "float32 storage is exact");
                float[] approximate = logits(rounded, "What color is the sky?");
                double largest = 0;
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    largest = Math.max(largest, Math.abs(expected[i]));
                    worst = Math.max(worst, Math.abs(expected[i] - approximate[i]));
                }
                // bf16 keeps 8 significant bits (relative error 2^-9 per weight); errors partly cancel.
                assertTrue(worst < 0.05 * largest, "bf16 logits differ by " + worst + " of " + largest);
                assertTrue(worst > 0, "bf16 rounding must change something, or the check above means nothing");
            }
        }
    }

    private static float[] logits(LanguageModel model, String text) {
        try (ai.djl.ndarray.NDManager scope = model.decoder().manager().newSubManager()) {
            long[] ids = java.util.Arrays.stream(model.encodePrompt(text)).asLongStream().toArray();
            return model.decoder().forward(scope.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)), null, null,
                    null).toFloatArray();
        }
    }

    @Test
    void badDataFailsBeforeLoadingTheModel() throws IOException {
        Path data = temporary.resolve("bad.jsonl");
        Files.writeString(data, "{\"instruction\": \"Hi\", \"output\": \"Hello.\"}\n{\"instruction\": \"Bye\"}\n");
        Path output = temporary.resolve("never");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FinetuneJob.run(request(data, output, false)));
        assertTrue(error.getMessage().contains("bad.jsonl"), error.getMessage());
        assertTrue(error.getMessage().contains("output"), error.getMessage());
        assertFalse(Files.exists(output));
    }

    @Test
    void missingModelFailsWithPath() throws IOException {
        Path data = writeData();
        Path absent = temporary.resolve("no-such-model.bin");
        FinetuneRequest valid = request(data, temporary.resolve("out"), false);
        FinetuneRequest request = new FinetuneRequest(absent, null, valid.data(), valid.template(), valid.maxLength(),
                valid.training(), valid.output(), valid.dtype(), valid.device(), false);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> FinetuneJob.run(request));
        assertTrue(error.getMessage().startsWith("Model not found: " + absent.toAbsolutePath()), error.getMessage());
        assertFalse(Files.exists(valid.output()));
    }
}
