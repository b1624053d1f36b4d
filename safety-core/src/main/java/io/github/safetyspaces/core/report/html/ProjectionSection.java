package io.github.safetyspaces.core.report.html;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report's section on the projection sweep, from {@code projection/projection.csv}: a table of the
 * unprojected reference models, and for each fine-tune and metric a plot of the metric against frac with
 * one line per basis and method. Dashed lines mark the fine-tune's unprojected value and the aligned
 * model's, the two ends between which a projection moves the model.
 */
final class ProjectionSection {

    /** Columns before the metrics; the metrics are every column after them. */
    private static final List<String> LEADING_COLUMNS = List.of("finetune", "basis", "method", "frac", "energy_kept",
            "cos_task_kept", "cos_task_align", "rank_limited_tensors", "degenerate");

    /** Palette index of the reference lines, kept apart from the series colours. */
    private static final int FINETUNE_REFERENCE_COLOR = 7;
    private static final int ALIGNED_REFERENCE_COLOR = 8;

    private ProjectionSection() {
    }

    static Section render(Path folder) {
        Section section = new Section("projection", "Projection sweep");
        CsvTable table = section.readOrNote(folder, "projection/projection.csv",
                "the project goal did not run, or was skipped.");
        if (table == null) {
            return section;
        }
        List<String> metrics = table.columns().stream().filter(column -> !LEADING_COLUMNS.contains(column)).toList();

        // Reference rows: the unprojected base, aligned and fine-tuned models.
        Map<String, Map<String, String>> references = new LinkedHashMap<>();
        for (Map<String, String> row : table.rows()) {
            if ("none".equals(row.get("basis"))) {
                references.put(row.get("finetune"), row);
            }
        }
        section.heading("Unprojected models");
        if (references.isEmpty()) {
            section.note("projection.csv has no reference rows (basis none).");
        } else {
            List<String> header = new ArrayList<>(List.of("model"));
            header.addAll(metrics);
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> reference : references.entrySet()) {
                List<String> cells = new ArrayList<>(List.of(reference.getKey()));
                metrics.forEach(metric -> cells.add(reference.getValue().getOrDefault(metric, "")));
                rows.add(cells);
            }
            section.html(Html.table(header, rows));
        }

        // Plots: harmfulness and refusal rate add to 1, so only harmfulness is drawn when both exist.
        List<String> plotted = metrics.stream()
                .filter(metric -> !(metric.equals("refusal_rate") && metrics.contains("harmfulness"))).toList();
        Set<String> finetunes = new LinkedHashSet<>();
        table.rows().stream().filter(row -> !"none".equals(row.get("basis")))
                .forEach(row -> finetunes.add(row.get("finetune")));
        if (finetunes.isEmpty()) {
            return section.note("projection.csv has no projected rows to plot.");
        }
        for (String finetune : finetunes) {
            section.heading(finetune + " fine-tune, projected");
            for (String metric : plotted) {
                section.plot(plot(table, finetune, metric, references));
            }
        }
        return section;
    }

    private static LinePlot plot(CsvTable table, String finetune, String metric,
            Map<String, Map<String, String>> references) {
        Map<String, List<LinePlot.Point>> cells = new LinkedHashMap<>();
        double minFrac = Double.POSITIVE_INFINITY;
        double maxFrac = Double.NEGATIVE_INFINITY;
        for (Map<String, String> row : table.rows()) {
            if (!finetune.equals(row.get("finetune")) || "none".equals(row.get("basis"))) {
                continue;
            }
            double frac = Cells.toDouble(row.get("frac"));
            cells.computeIfAbsent(row.get("basis") + " / " + row.get("method"), key -> new ArrayList<>())
                    .add(new LinePlot.Point(frac, Cells.toDouble(row.get(metric))));
            if (Double.isFinite(frac)) {
                minFrac = Math.min(minFrac, frac);
                maxFrac = Math.max(maxFrac, frac);
            }
        }

        LinePlot plot = new LinePlot(finetune + ": " + metric, "frac", metric);
        int color = 0;
        for (Map.Entry<String, List<LinePlot.Point>> cell : cells.entrySet()) {
            List<LinePlot.Point> points = new ArrayList<>(cell.getValue());
            points.sort(Comparator.comparingDouble(LinePlot.Point::x));
            if (color == FINETUNE_REFERENCE_COLOR) {
                color = ALIGNED_REFERENCE_COLOR + 1;
            }
            plot.add(new LinePlot.Series(cell.getKey(), points, color++, false));
        }
        addReference(plot, references.get(finetune), finetune + " unprojected", metric, minFrac, maxFrac,
                FINETUNE_REFERENCE_COLOR);
        if (!finetune.equals("aligned")) {
            addReference(plot, references.get("aligned"), "aligned", metric, minFrac, maxFrac, ALIGNED_REFERENCE_COLOR);
        }
        return plot;
    }

    /** Adds a dashed horizontal line at a reference model's value across the frac range. */
    private static void addReference(LinePlot plot, Map<String, String> row, String label, String metric,
            double minFrac, double maxFrac, int color) {
        if (row == null || !(maxFrac >= minFrac)) {
            return;
        }
        double value = Cells.toDouble(row.get(metric));
        plot.add(new LinePlot.Series(label, List.of(new LinePlot.Point(minFrac, value),
                new LinePlot.Point(maxFrac, value)), color, true));
    }
}
