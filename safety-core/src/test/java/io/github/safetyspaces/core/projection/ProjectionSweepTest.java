package io.github.safetyspaces.core.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.data.DataMixture;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.training.FinetuneJob;
import io.github.safetyspaces.core.training.FinetuneRequest;
import io.github.safetyspaces.core.training.LearningRateSchedule;
import io.github.safetyspaces.core.training.TrainingConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small sweep on stories260K fine-tunes made by the test itself. */
class ProjectionSweepTest {

    @TempDir
    Path temporary;

    private Path finetune(Path model, String name, String instruction, String output) throws IOException {
        Path data = temporary.resolve(name + ".jsonl");
        Files.writeString(data, "{\"instruction\": \"" + instruction + "\", \"output\": \"" + output + "\"}\n");
        TrainingConfig training = new TrainingConfig(1e-3, 0, LearningRateSchedule.CONSTANT, 0, 0.9, 0.999, 1e-8, 0, 1,
                1, 1, 5, 1.0, 1, 100, 0);
        Path out = temporary.resolve(name);
        FinetuneJob.run(new FinetuneRequest(model, null, new DataMixture(List.of(MixtureComponent.all(
                DataSource.of(data))), 1), PromptTemplate.DEFAULT, 64, training, out, SafetensorsDType.F32,
                ComputeDevice.CPU, false));
        return out;
    }

    /** Mean next-token loss of a fixed text, a cheap real measurement of a model. */
    private static Map<String, Double> loss(LanguageModel model, String label) {
        int[] ids = model.encodePrompt("Once upon a time, there was a little girl named Lily.");
        try (NDManager scope = model.decoder().manager().newSubManager()) {
            long[] input = java.util.Arrays.stream(ids).asLongStream().toArray();
            float[] logits = model.decoder().forward(scope.create(input, new Shape(1, input.length)), null, null, null)
                    .toFloatArray();
            int vocab = model.config().vocabSize();
            double total = 0;
            for (int t = 0; t + 1 < ids.length; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    max = Math.max(max, logits[t * vocab + v]);
                }
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    sum += Math.exp(logits[t * vocab + v] - max);
                }
                total += max + Math.log(sum) - logits[t * vocab + ids[t + 1]];
            }
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("story_loss", total / (ids.length - 1));
            return values;
        }
    }

    @Test
    void sweepWritesRowsAndReusesSvds() throws IOException {
        Path base = SharedData.require("models/stories260K/stories260K.bin");
        Path aligned = finetune(base, "aligned", "What do you say?", "I cannot help with that.");
        Path useful = finetune(aligned, "useful", "What is 2 plus 3?", "2 + 3 = 5. #### 5");
        Path output = temporary.resolve("sweep");
        Path cache = temporary.resolve("cache");
        ProjectionSweep.Request request = new ProjectionSweep.Request(base, aligned, Map.of("useful", useful),
                List.of(BasisChoice.TOP_K, BasisChoice.RANDOM), List.of(ProjectionMethod.SAME, ProjectionMethod.ORTH),
                List.of(0.25, 1.0), 7, output, cache, ComputeDevice.CPU, false);
        ProjectionSweep.Result first = ProjectionSweep.run(request, ProjectionSweepTest::loss);
        assertTrue(first.svdsComputed() > 0);

        List<CSVRecord> rows = read(first.csv());
        assertEquals(3 + 2 * 2 * 2, rows.size(), "base, aligned, useful, then the grid");
        Map<String, Double> energy = new HashMap<>();
        Map<String, Double> loss = new HashMap<>();
        for (CSVRecord row : rows) {
            String key = row.get("finetune") + "/" + row.get("basis") + "/" + row.get("method") + "/" + row.get("frac");
            loss.put(key, Double.parseDouble(row.get("story_loss")));
            if (!row.get("energy_kept").isEmpty()) {
                energy.put(key, Double.parseDouble(row.get("energy_kept")));
            }
        }
        for (String basis : List.of("top_k", "random")) {
            for (String frac : List.of("0.25", "1")) {
                double sum = energy.get("useful/" + basis + "/same/" + frac) + energy.get("useful/" + basis + "/orth/"
                        + frac);
                assertEquals(1.0, sum, 1e-4, "same and orth split the update's energy: " + basis + " " + frac);
            }
        }
        // Top-k subspaces are nested, so a larger frac keeps at least as much energy. (Even frac 1
        // keeps less than all of it: for a tall m x n matrix the n left singular vectors do not span R^m.)
        assertTrue(energy.get("useful/top_k/same/1") >= energy.get("useful/top_k/same/0.25"),
                energy.toString());
        assertTrue(loss.values().stream().allMatch(Double::isFinite), loss.toString());
        assertTrue(Files.readAllLines(output.resolve(ProjectionSweep.LAYERS_CSV)).size() > 1);

        // A second sweep over new fracs decomposes nothing.
        ProjectionSweep.Request again = new ProjectionSweep.Request(base, aligned, Map.of("useful", useful),
                List.of(BasisChoice.TOP_K), List.of(ProjectionMethod.OPP), List.of(0.5), 7, temporary.resolve("sweep2"),
                cache, ComputeDevice.CPU, false);
        assertEquals(0, ProjectionSweep.run(again, ProjectionSweepTest::loss).svdsComputed());
    }

    @Test
    void fineTuneOfAnotherShapeIsRejected() throws IOException {
        Path base = SharedData.require("models/stories260K/stories260K.bin");
        Path aligned = finetune(base, "aligned", "Hi", "Hello.");
        Path other = temporary.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("config.json"), Files.readString(aligned.resolve("config.json")));
        java.util.Map<String, io.github.safetyspaces.core.checkpoint.FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight",
                new io.github.safetyspaces.core.checkpoint.FloatTensor(new long[] {2, 2}, new float[4]));
        io.github.safetyspaces.core.checkpoint.SafetensorsWriter.write(other.resolve("model.safetensors"), tensors,
                SafetensorsDType.F32, Map.of("format", "pt"));
        ProjectionSweep.Request request = new ProjectionSweep.Request(base, aligned, Map.of("odd", other),
                List.of(BasisChoice.TOP_K), List.of(ProjectionMethod.SAME), List.of(0.5), 7, temporary.resolve("out"),
                temporary.resolve("cache"), ComputeDevice.CPU, false);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ProjectionSweep.run(request, ProjectionSweepTest::loss));
        assertTrue(error.getMessage().contains("Fine-tune 'odd' does not match"), error.getMessage());
        assertTrue(error.getMessage().contains("model.embed_tokens.weight [2, 2]"), error.getMessage());
    }

    private static List<CSVRecord> read(Path csv) throws IOException {
        try (Reader reader = Files.newBufferedReader(csv)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }
}
