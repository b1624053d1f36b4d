package io.github.safetyspaces.core.report.html;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.ResultFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's section on fine-tuning: a table of every model's steps, tokens and first and last loss,
 * and each model's training loss against the optimizer step, from {@code models/<id>/train-log.csv}.
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
                    last.getOrDefault("elapsed_seconds", "")));

            List<LinePlot.Point> points = new ArrayList<>();
            for (Map<String, String> row : table.rows()) {
                points.add(new LinePlot.Point(Cells.toDouble(row.get("step")), Cells.toDouble(row.get("loss"))));
            }
            plots.add(new LinePlot(model + ": training loss", "step", "loss")
                    .add(new LinePlot.Series(model, points, plots.size(), false)));
        }
        section.html(Html.table(List.of("model", "steps", "tokens", "first loss", "last loss", "seconds"), rows));
        plots.forEach(section::plot);
        return section;
    }
}
