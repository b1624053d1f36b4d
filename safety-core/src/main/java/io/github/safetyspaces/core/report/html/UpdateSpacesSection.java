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
 * The report's section on update subspaces, from {@code update-spaces/update-spaces-summary.csv}: for
 * each granularity, the mean MSO of every pair of updates against the energy fraction η, each with its
 * random baseline as a dashed line of the same colour.
 */
final class UpdateSpacesSection {

    private UpdateSpacesSection() {
    }

    static Section render(Path folder) {
        Section section = new Section("update-spaces", "Update subspaces");
        CsvTable table = section.readOrNote(folder, "update-spaces/update-spaces-summary.csv",
                "the update-spaces goal did not run, or was skipped.");
        if (table == null) {
            return section;
        }
        section.paragraph("Mean Mode Subspace Overlap (MSO) of the top singular subspaces of two weight updates,"
                + " averaged over the groups of a granularity, against the energy fraction eta that sets each"
                + " subspace's size. Dashed: the random baseline max(kx, ky) / d, the expected MSO of random"
                + " subspaces of the same sizes.");

        Set<String> granularities = new LinkedHashSet<>();
        table.rows().forEach(row -> granularities.add(row.get("granularity")));
        for (String granularity : granularities) {
            Map<String, List<LinePlot.Point[]>> pairs = new LinkedHashMap<>();
            for (Map<String, String> row : table.rows()) {
                if (!granularity.equals(row.get("granularity"))) {
                    continue;
                }
                double eta = Cells.toDouble(row.get("eta"));
                pairs.computeIfAbsent(row.get("x") + " - " + row.get("y"), key -> new ArrayList<>())
                        .add(new LinePlot.Point[] {new LinePlot.Point(eta, Cells.toDouble(row.get("mean_mso"))),
                            new LinePlot.Point(eta, Cells.toDouble(row.get("mean_random_baseline")))});
            }
            LinePlot plot = new LinePlot("MSO per " + granularity, "eta", "mean MSO")
                    .groupDashedInLegend("random baselines");
            int color = 0;
            for (Map.Entry<String, List<LinePlot.Point[]>> pair : pairs.entrySet()) {
                List<LinePlot.Point[]> points = new ArrayList<>(pair.getValue());
                points.sort(Comparator.comparingDouble(point -> point[0].x()));
                plot.add(new LinePlot.Series(pair.getKey(), points.stream().map(point -> point[0]).toList(), color,
                        false));
                plot.add(new LinePlot.Series(pair.getKey() + " baseline", points.stream().map(point -> point[1])
                        .toList(), color, true));
                color++;
            }
            section.plot(plot);
        }
        return section;
    }
}
