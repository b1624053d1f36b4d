package io.github.safetyspaces.core.report.html;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.ResultFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's section on fine-tuning: a table of every model's steps, tokens, first and last loss
 * and training time, and each model's training loss against the optimizer step, from
 * {@code models/<id>/train-log.csv}. The time comes from {@code training.json} beside the log,
 * because the log holds no wall-clock values.
 */
final class TrainingSection {

    private TrainingSection() {
    }

    static Section render(Path folder) {
        Section section = new Section("training", "Fine-tuning");
        List<Path> logs = ResultFiles.trainingLogs(folder);
        if (logs.isEmpty()) {
            return section.note("No models/<id>/train-log.csv: the finetune goal did not run, or was skipped.");
        }

        List<List<String>> rows = new ArrayList<>();
        List<LinePlot> plots = new ArrayList<>();
        for (Path log : logs) {
            CsvTable table = section.readOrNote(folder, log);
            if (table == null || table.rows().isEmpty()) {
                continue;
            }
            String model = log.getParent().getFileName().toString();
            Map<String, String> first = table.rows().get(0);
            Map<String, String> last = table.rows().get(table.rows().size() - 1);
            long tokens = table.rows().stream().mapToLong(row -> (long) Cells.toDouble(row.get("tokens"))).sum();
            rows.add(List.of(model, last.getOrDefault("step", ""), Long.toString(tokens),
                    first.getOrDefault("loss", ""), last.getOrDefault("loss", ""),
                    trainingSeconds(section, folder, log.resolveSibling("training.json"))));

            List<LinePlot.Point> points = new ArrayList<>();
            for (Map<String, String> row : table.rows()) {
                points.add(new LinePlot.Point(Cells.toDouble(row.get("step")), Cells.toDouble(row.get("loss"))));
            }
            plots.add(new LinePlot(model + ": training loss", "step", "loss")
                    .add(new LinePlot.Series(model, points, plots.size(), false)));
        }
        section.html(Html.table(List.of("model", "steps", "tokens", "first loss", "last loss", "training seconds"),
                rows));
        plots.forEach(section::plot);
        return section;
    }

    /**
     * Returns {@code results.training_seconds} of a training record, or an empty cell when there is
     * none; an unreadable record adds a note. For a resumed run it is the time of the last part.
     */
    private static String trainingSeconds(Section section, Path folder, Path record) {
        if (!Files.isRegularFile(record)) {
            return "";
        }
        try {
            JsonObject results = JsonParser.parseString(Files.readString(record, StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject("results");
            return results != null && results.has("training_seconds")
                    ? results.get("training_seconds").getAsString() : "";
        } catch (IOException | JsonParseException | IllegalStateException | ClassCastException e) {
            section.note("Cannot read " + folder.relativize(record) + ": " + e.getMessage());
            return "";
        }
    }
}
