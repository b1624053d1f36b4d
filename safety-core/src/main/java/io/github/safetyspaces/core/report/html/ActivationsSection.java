package io.github.safetyspaces.core.report.html;

import io.github.safetyspaces.core.report.Cells;
import io.github.safetyspaces.core.report.CsvTable;
import io.github.safetyspaces.core.report.ResultFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's section on activation subspaces, from {@code activations/activations-<model>.csv}: per
 * model, pair of prompt sets and centring, the MSO against the hidden-state index for a few energy
 * fractions η, each with its random baseline dashed. When a file has a single hidden state, the MSO is
 * drawn against η instead, since one layer makes no line.
 */
final class ActivationsSection {

    /** How many η values get a line; more would crowd the legend. */
    static final int MAX_ETAS = 4;

    private ActivationsSection() {
    }

    static Section render(Path folder) {
        Section section = new Section("activations", "Activation subspaces");
        Path activations = folder.resolve("activations");
        List<Path> files = ResultFiles.csvFiles(activations).stream()
                .filter(file -> file.getFileName().toString().startsWith("activations-")).toList();
        if (files.isEmpty()) {
            return section.note("No activations/activations-<model>.csv: the activations goal did not run, or was"
                    + " skipped.");
        }
        section.paragraph("MSO of the subspaces that two prompt sets occupy in the residual stream at the last"
                + " real token of each prompt, against the hidden-state index for a few eta, or against eta when"
                + " a file has a single hidden state. Dashed: the random baseline max(kx, ky) / D.");

        for (Path file : files) {
            CsvTable table = section.readOrNote(folder, file);
            if (table == null) {
                continue;
            }
            String model = file.getFileName().toString().replaceFirst("^activations-", "").replaceFirst("\\.csv$",
                    "");
            Map<String, List<Map<String, String>>> panels = new LinkedHashMap<>();
            for (Map<String, String> row : table.rows()) {
                String centring = "true".equals(row.get("centred")) ? ", centred" : "";
                panels.computeIfAbsent(row.get("pair") + centring, key -> new ArrayList<>()).add(row);
            }
            for (Map.Entry<String, List<Map<String, String>>> panel : panels.entrySet()) {
                section.plot(plot(model + ": " + panel.getKey(), panel.getValue()));
            }
        }
        return section;
    }

    private static LinePlot plot(String title, List<Map<String, String>> rows) {
        TreeSet<Double> layers = new TreeSet<>();
        TreeSet<Double> etas = new TreeSet<>();
        for (Map<String, String> row : rows) {
            layers.add(Cells.toDouble(row.get("layer")));
            etas.add(Cells.toDouble(row.get("eta")));
        }
        boolean byLayer = layers.size() > 1;
        List<Double> lines = byLayer ? pick(new ArrayList<>(etas)) : new ArrayList<>(layers);
        String lineColumn = byLayer ? "eta" : "layer";
        String xColumn = byLayer ? "layer" : "eta";

        LinePlot plot = new LinePlot(title, byLayer ? "hidden state (layer index)" : "eta", "MSO")
                .groupDashedInLegend("random baselines");
        for (int i = 0; i < lines.size(); i++) {
            double line = lines.get(i);
            List<LinePlot.Point> mso = new ArrayList<>();
            List<LinePlot.Point> baseline = new ArrayList<>();
            for (Map<String, String> row : rows) {
                if (Cells.toDouble(row.get(lineColumn)) != line) {
                    continue;
                }
                double x = Cells.toDouble(row.get(xColumn));
                mso.add(new LinePlot.Point(x, Cells.toDouble(row.get("mso"))));
                baseline.add(new LinePlot.Point(x, Cells.toDouble(row.get("random_baseline"))));
            }
            mso.sort(Comparator.comparingDouble(LinePlot.Point::x));
            baseline.sort(Comparator.comparingDouble(LinePlot.Point::x));
            String label = lineColumn + " " + Cells.canonical(Double.toString(line));
            plot.add(new LinePlot.Series(label, mso, i, false));
            plot.add(new LinePlot.Series(label + " baseline", baseline, i, true));
        }
        return plot;
    }

    /** Picks at most {@link #MAX_ETAS} values spread evenly over a sorted list, both ends included. */
    static List<Double> pick(List<Double> sorted) {
        if (sorted.size() <= MAX_ETAS) {
            return sorted;
        }
        List<Double> picked = new ArrayList<>();
        for (int i = 0; i < MAX_ETAS; i++) {
            picked.add(sorted.get(Math.round((float) i * (sorted.size() - 1) / (MAX_ETAS - 1))));
        }
        return picked;
    }
}
