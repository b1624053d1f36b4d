package io.github.safetyspaces.core.updatespaces;

import static io.github.safetyspaces.core.io.CsvTables.formatNumber;

import io.github.safetyspaces.core.io.CsvTables;
import io.github.safetyspaces.core.linalg.Precision;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The CSV text of the update-spaces results: one row per group, pair and η, and a summary that averages
 * each pair and η over the groups of a granularity. Undefined values are empty cells, never NaN.
 */
public final class OverlapTables {

    /** Columns of the per-group table before the optional sampled-baseline columns. */
    public static final List<String> COLUMNS = List.of("granularity", "group", "layer", "x", "y", "eta", "kx", "ky",
            "d", "columns", "mso", "random_baseline");

    /** Columns added when a sampled baseline was requested. */
    public static final List<String> SAMPLED_COLUMNS = List.of("sampled_baseline_mean", "sampled_baseline_std");

    /** Columns that end every per-group row. */
    public static final List<String> TRAILING_COLUMNS = List.of("degenerate", "precision");

    /** Columns of the summary table. */
    public static final List<String> SUMMARY_COLUMNS = List.of("granularity", "x", "y", "eta", "mean_mso",
            "mean_random_baseline", "groups", "degenerate_groups");

    private OverlapTables() {
    }

    /**
     * Formats the per-group table.
     *
     * @param rows the rows, in output order
     * @param withSampledBaseline whether to add the sampled-baseline columns
     * @param precision the precision of the SVDs and MSO products, written in every row
     * @return CSV text
     */
    public static String overlaps(List<OverlapRow> rows, boolean withSampledBaseline, Precision precision) {
        List<String> header = new ArrayList<>(COLUMNS);
        if (withSampledBaseline) {
            header.addAll(SAMPLED_COLUMNS);
        }
        header.addAll(TRAILING_COLUMNS);

        List<List<String>> cells = new ArrayList<>();
        for (OverlapRow row : rows) {
            MatrixGroup group = row.group();
            List<String> line = new ArrayList<>(List.of(group.granularity().label(), group.name(),
                    Integer.toString(group.layer()), row.pair().x(), row.pair().y(), formatEta(row.eta()),
                    Integer.toString(row.kx()), Integer.toString(row.ky()), Integer.toString(row.dimension()),
                    Integer.toString(group.columns()), formatOptional(row.mso()),
                    formatOptional(row.randomBaseline())));
            if (withSampledBaseline) {
                boolean present = row.sampledBaseline() != null;
                line.add(present ? formatNumber(row.sampledBaseline().mean()) : "");
                line.add(present ? formatNumber(row.sampledBaseline().standardDeviation()) : "");
            }
            line.add(Boolean.toString(row.degenerate()));
            line.add(precision.name().toLowerCase(Locale.ROOT));
            cells.add(line);
        }
        return CsvTables.toCsv(header, cells);
    }

    /**
     * Formats the summary: for each granularity, pair and η, the mean MSO and mean random baseline over the
     * non-degenerate groups, the number of those groups, and the number of degenerate groups left out.
     * Means are empty when every group is degenerate.
     *
     * @param rows the per-group rows
     * @return CSV text, in order of first appearance
     */
    public static String summary(List<OverlapRow> rows) {
        Map<List<String>, double[]> sums = new LinkedHashMap<>();
        for (OverlapRow row : rows) {
            List<String> key = List.of(row.group().granularity().label(), row.pair().x(), row.pair().y(),
                    formatEta(row.eta()));
            // {sum of MSO, sum of baselines, groups, degenerate groups}
            double[] sum = sums.computeIfAbsent(key, k -> new double[4]);
            if (row.degenerate()) {
                sum[3]++;
            } else {
                sum[0] += row.mso().getAsDouble();
                sum[1] += row.randomBaseline().getAsDouble();
                sum[2]++;
            }
        }

        List<List<String>> cells = new ArrayList<>();
        for (Map.Entry<List<String>, double[]> entry : sums.entrySet()) {
            double[] sum = entry.getValue();
            long groups = (long) sum[2];
            List<String> line = new ArrayList<>(entry.getKey());
            line.add(groups == 0 ? "" : formatNumber(sum[0] / groups));
            line.add(groups == 0 ? "" : formatNumber(sum[1] / groups));
            line.add(Long.toString(groups));
            line.add(Long.toString((long) sum[3]));
            cells.add(line);
        }
        return CsvTables.toCsv(SUMMARY_COLUMNS, cells);
    }

    /** Writes η as the shortest decimal, for example {@code 0.01} or {@code 1}. */
    static String formatEta(double eta) {
        return BigDecimal.valueOf(eta).stripTrailingZeros().toPlainString();
    }

    private static String formatOptional(OptionalDouble value) {
        return value.isPresent() ? formatNumber(value.getAsDouble()) : "";
    }
}
