package io.github.safetyspaces.core.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.eval.EvalItem;
import io.github.safetyspaces.core.eval.PromptSet;
import io.github.safetyspaces.core.eval.PromptSource;
import io.github.safetyspaces.core.model.HiddenStateCapture;
import io.github.safetyspaces.core.model.LastTokenStates;
import io.github.safetyspaces.core.model.PaddingSide;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the study on stories260K (5 layers, D = 64) with GSM8K questions and AdvBench goals. */
class ActivationStudyTest {

    private static final List<Double> ETAS = List.of(0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6);

    private static final int PROMPTS = 24;

    private static Path model;
    private static PromptSet useful;
    private static PromptSet harmful;

    @BeforeAll
    static void readData() {
        model = SharedData.require("models/stories260K/stories260K.bin");
        useful = PromptSet.read("useful", PromptSource.forGsm8k(SharedData.require("gsm8k/test.jsonl"))
                .optSample(PROMPTS, 42).build());
        harmful = PromptSet.read("harmful", PromptSource.forAdvBench(SharedData.require("advbench/advbench.csv"))
                .optSample(PROMPTS, 42).build());
    }

    @Test
    void studyWritesCsvAndStates(@TempDir Path output) throws IOException {
        ActivationStudy.Request request = new ActivationStudy.Request(Map.of("stories", model),
                List.of(useful, harmful), Optional.of(PromptTemplate.DEFAULT), LayerSelection.everyLayer(),
                List.of(false, true), ETAS, 8, output, true, ComputeDevice.CPU);

        List<ActivationStudy.ModelResult> results = ActivationStudy.run(request);

        // The CSV: one row per hidden state (0 to 5), centring choice and eta, for the one pair.
        assertEquals(1, results.size());
        Path csv = output.resolve("activations-stories.csv");
        assertEquals(csv, results.get(0).csv());
        List<CSVRecord> records;
        try (CSVParser parser = CSVParser.parse(csv, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertEquals(OverlapCsv.HEADER, parser.getHeaderNames());
            records = parser.getRecords();
        }
        assertEquals(6 * 2 * ETAS.size(), records.size());
        for (CSVRecord record : records) {
            String where = "CSV line " + record.getRecordNumber();
            assertEquals("stories", record.get("model"), where);
            assertEquals("useful-harmful", record.get("pair"), where);
            assertEquals("64", record.get("D"), where);
            int kx = Integer.parseInt(record.get("kx"));
            int ky = Integer.parseInt(record.get("ky"));
            if (record.get("layer").equals("0")) {
                // Every prompt ends in the template's last token, whose embedding is all hidden state 0 holds:
                // one direction shared by both sets, and nothing left after centring.
                boolean centred = Boolean.parseBoolean(record.get("centred"));
                assertEquals(centred ? 0 : 1, kx, where);
                assertEquals(centred ? 0 : 1, ky, where);
                assertEquals(centred ? "" : "1", record.get("mso"), where);
                continue;
            }
            assertTrue(kx >= 1, where + ": kx " + kx);
            assertTrue(kx <= PROMPTS, where + ": kx " + kx + " above the rank bound N");
            assertTrue(ky >= 1, where + ": ky " + ky);
            assertTrue(ky <= PROMPTS, where + ": ky " + ky + " above the rank bound N");
            double mso = Double.parseDouble(record.get("mso"));
            assertTrue(mso >= 0, where + ": MSO " + mso);
            assertTrue(mso <= 1, where + ": MSO " + mso);
            assertEquals(Math.max(kx, ky) / 64.0, Double.parseDouble(record.get("random_baseline")), 1e-6, where);
        }
        assertEquals("0.01", records.get(0).get("eta"));
        assertEquals("false", records.get(0).get("centred"));
        assertEquals("true", records.get(ETAS.size()).get("centred"));
        assertEquals("0", records.get(0).get("layer"));
        assertEquals("5", records.get(records.size() - 1).get("layer"));
        // k(eta) grows with eta for each set; rows of hidden state 1 follow the two blocks of hidden state 0.
        for (int row = 2 * ETAS.size() + 1; row < 3 * ETAS.size(); row++) {
            assertTrue(Integer.parseInt(records.get(row).get("kx")) >= Integer.parseInt(records.get(row - 1).get("kx")),
                    "kx is monotone in eta at row " + row);
        }

        // The states: one (N, D) float32 tensor per set and hidden state, rows in the order of the set.
        Path statesFile = output.resolve("activations-stories.safetensors");
        assertEquals(Optional.of(statesFile), results.get(0).states());
        LastTokenStates alone = captureOneByOne(useful, List.of(0, 3, 5));
        try (SafetensorsFile states = SafetensorsFile.open(statesFile)) {
            assertEquals(2 * 6, states.names().size());
            for (int layer = 0; layer <= 5; layer++) {
                assertArrayEquals(new long[] {PROMPTS, 64}, states.shape(ActivationStudy.tensorName("useful", layer)));
                assertArrayEquals(new long[] {PROMPTS, 64}, states.shape(ActivationStudy.tensorName("harmful", layer)));
            }
            for (int layer : List.of(0, 3, 5)) {
                assertClose(alone.states(layer).data(),
                        states.read(ActivationStudy.tensorName("useful", layer)).data(), "hidden state " + layer);
            }
        }

        try (Stream<Path> files = Files.list(output)) {
            assertEquals(List.of("activations-stories.csv", "activations-stories.safetensors"),
                    files.map(path -> path.getFileName().toString()).sorted().toList(), "no temporary file is left");
        }
    }

    @Test
    void batchedCaptureMatchesOnePromptAtATime() {
        // Real prompts of 10 to 70 tokens in batches of 16 against one prompt at a time, at every hidden state.
        List<Integer> every = IntStream.rangeClosed(0, 5).boxed().toList();
        LastTokenStates alone = captureOneByOne(harmful, every);
        LastTokenStates batched;
        try (LanguageModel language = LanguageModel.open(model, null, ComputeDevice.CPU)) {
            batched = new HiddenStateCapture(language.decoder(), 16, PaddingSide.LEFT)
                    .capture(encode(language, harmful), every);
        }

        for (int layer : every) {
            assertClose(alone.states(layer).data(), batched.states(layer).data(), "hidden state " + layer);
        }
    }

    @Test
    void failedModelLeavesEarlierOutputsOnly(@TempDir Path output) throws IOException {
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("stories", model);
        models.put("missing", output.resolve("no-such-model"));
        ActivationStudy.Request request = new ActivationStudy.Request(models, List.of(useful, harmful),
                Optional.empty(), LayerSelection.band(0.65, 0.9), List.of(false), List.of(0.5), 8, output, true,
                ComputeDevice.CPU);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ActivationStudy.run(request));

        assertTrue(error.getMessage().contains("no-such-model"), error.getMessage());
        try (Stream<Path> files = Files.list(output)) {
            assertEquals(List.of("activations-stories.csv", "activations-stories.safetensors"),
                    files.map(path -> path.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void invalidRequestsAreRejected(@TempDir Path output) {
        Map<String, Path> models = Map.of("stories", model);
        assertThrows(IllegalArgumentException.class, () -> new ActivationStudy.Request(models, List.of(useful),
                Optional.empty(), LayerSelection.defaultBand(), List.of(false), ETAS, 8, output, false,
                ComputeDevice.CPU));
        assertThrows(IllegalArgumentException.class, () -> new ActivationStudy.Request(models,
                List.of(useful, useful), Optional.empty(), LayerSelection.defaultBand(), List.of(false), ETAS, 8,
                output, false, ComputeDevice.CPU));
        assertThrows(IllegalArgumentException.class, () -> new ActivationStudy.Request(models,
                List.of(useful, harmful), Optional.empty(), LayerSelection.defaultBand(), List.of(false),
                List.of(0.0), 8, output, false, ComputeDevice.CPU));
        assertThrows(IllegalArgumentException.class, () -> new ActivationStudy.Request(Map.of("a/b", model),
                List.of(useful, harmful), Optional.empty(), LayerSelection.defaultBand(), List.of(false), ETAS, 8,
                output, false, ComputeDevice.CPU));
        assertThrows(IllegalArgumentException.class, () -> new ActivationStudy.Request(models,
                List.of(useful, harmful), Optional.empty(), LayerSelection.defaultBand(), List.of(true, true), ETAS,
                8, output, false, ComputeDevice.CPU));
    }

    /** Captures the states of a set's prompts, rendered with the default template, one prompt per pass. */
    private static LastTokenStates captureOneByOne(PromptSet set, List<Integer> indices) {
        try (LanguageModel language = LanguageModel.open(model, null, ComputeDevice.CPU)) {
            return new HiddenStateCapture(language.decoder(), 1, PaddingSide.LEFT).capture(encode(language, set),
                    indices);
        }
    }

    private static List<int[]> encode(LanguageModel language, PromptSet set) {
        List<int[]> prompts = new ArrayList<>();
        for (EvalItem item : set.items()) {
            prompts.add(language.encodePrompt(PromptTemplate.DEFAULT.render(item.prompt(), "")));
        }
        int shortest = prompts.stream().mapToInt(p -> p.length).min().orElseThrow();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        assertTrue(longest > shortest, "the prompts must differ in length to test padding");
        return prompts;
    }

    /** Asserts agreement within 1e-4 + 1e-5 times the largest magnitude, the decoder tests' float32 tolerance. */
    private static void assertClose(float[] expected, float[] actual, String label) {
        assertEquals(expected.length, actual.length, label + " length");
        double scale = 0;
        for (float value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        double tolerance = 1e-4 + 1e-5 * scale;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, label + " element " + i);
        }
    }
}
