package io.github.safetyspaces.core.report;

import io.github.safetyspaces.core.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code summary.md}, a short Markdown overview of an experiment folder: the models trained
 * with their first and last loss, the unprojected reference models of the projection sweep with
 * their utility and refusal rate, and every result CSV with its row count. The text contains no
 * time or path outside the folder, so the same results give the same summary.
 */
public final class ExperimentSummary {

    /** File name of the summary inside the experiment folder. */
    public static final String FILE_NAME = "summary.md";

    private ExperimentSummary() {
    }

    /**
     * Writes the summary into the folder, replacing an older one.
     *
     * @param folder the experiment's output folder, such as {@code target/safety}
     * @param title a heading, such as the experiment's name
     * @return the summary file
     */
    public static Path write(Path folder, String title) {
        StringBuilder text = new StringBuilder("# ").append(title).append("\n\n");

        // Models trained by the finetune goal: any folder with a training log.
        List<Path> logs = ResultFiles.trainingLogs(folder);
        if (!logs.isEmpty()) {
            text.append("## Fine-tuned models\n\n| model | steps | first loss | last loss |\n|---|---|---|---|\n");
            for (Path log : logs) {
                CsvTable table = CsvTable.read(log);
                if (table.rows().isEmpty()) {
                    continue;
                }
                Map<String, String> first = table.rows().get(0);
                Map<String, String> last = table.rows().get(table.rows().size() - 1);
                text.append("| ").append(folder.relativize(log.getParent())).append(" | ").append(last.get("step"))
                        .append(" | ").append(first.get("loss")).append(" | ").append(last.get("loss")).append(" |\n");
            }
            text.append('\n');
        }

        // The projection sweep's unprojected models, the first thing to check in any run.
        Path projection = folder.resolve("projection").resolve("projection.csv");
        if (Files.isRegularFile(projection)) {
            CsvTable table = CsvTable.read(projection);
            text.append("## Reference models of the projection sweep\n\n")
                    .append("| model | utility (strict) | utility (flexible) | refusal rate |\n|---|---|---|---|\n");
            for (Map<String, String> row : table.rows()) {
                if ("none".equals(row.get("basis"))) {
                    text.append("| ").append(row.get("finetune")).append(" | ").append(row.get("utility_strict"))
                            .append(" | ").append(row.get("utility_flexible")).append(" | ")
                            .append(row.get("refusal_rate")).append(" |\n");
                }
            }
            text.append('\n');
        }

        // Every result file.
        text.append("## Result files\n\n| file | rows |\n|---|---|\n");
        for (Path csv : ResultFiles.csvFiles(folder)) {
            if (csv.getFileName().toString().equals("train-log.csv")) {
                continue;
            }
            text.append("| ").append(folder.relativize(csv)).append(" | ").append(CsvTable.read(csv).rows().size())
                    .append(" |\n");
        }

        Path file = folder.resolve(FILE_NAME);
        AtomicFiles.writeString(file, text.toString());
        return file;
    }
}
