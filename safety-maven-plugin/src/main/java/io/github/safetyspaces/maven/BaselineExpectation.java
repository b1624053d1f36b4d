package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.expect.BaselineComparison;
import io.github.safetyspaces.core.report.expect.Expectation;
import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A comparison of a result file with a baseline CSV committed with the experiment, as configured in the
 * {@code verify} goal's {@code <baselines>}. Its {@code <where>} limits the baseline rows compared; by
 * default every baseline row is compared.
 *
 * <pre>{@code
 * <baseline>
 *   <file>projection/projection.csv</file>
 *   <expected>baseline/projection.csv</expected>
 *   <keys>finetune,basis,method,frac</keys>
 *   <tolerances>
 *     <utility_flexible>0.05</utility_flexible>
 *     <harmfulness>0.05</harmfulness>
 *   </tolerances>
 * </baseline>
 * }</pre>
 */
public class BaselineExpectation extends ExpectationEntry {

    /** The baseline CSV; a relative path resolves against the project's folder. */
    private File expected;

    /** Columns that match rows, comma-separated; by default the key columns of the file's schema. */
    private String keys;

    /** Absolute tolerance per compared column; only these columns are compared. */
    private Map<String, String> tolerances;

    /** Creates an empty entry, which Maven fills from the pom. */
    public BaselineExpectation() {
    }

    /** Creates an entry with every setting but the name and where, for tests. */
    BaselineExpectation(String file, File expected, String keys, Map<String, String> tolerances) {
        this.file = file;
        this.expected = expected;
        this.keys = keys;
        this.tolerances = tolerances;
    }

    @Override
    Expectation toExpectation(int index) {
        String label = label("Baseline", index, "baselines");
        try {
            List<String> keyColumns = keys == null || keys.isBlank() ? List.of()
                    : Arrays.stream(keys.split(",")).map(String::trim).filter(key -> !key.isEmpty()).toList();
            Map<String, Double> parsed = new LinkedHashMap<>();
            if (tolerances != null) {
                for (Map.Entry<String, String> tolerance : tolerances.entrySet()) {
                    parsed.put(tolerance.getKey(), parseTolerance(tolerance.getKey(), tolerance.getValue()));
                }
            }
            return new BaselineComparison(name, file, expected == null ? null : expected.toPath(), keyColumns, parsed,
                    RowSelector.parse(where));
        } catch (IllegalArgumentException e) {
            return Expectation.invalid(label, e.getMessage());
        }
    }

    private static double parseTolerance(String column, String text) {
        try {
            return Double.parseDouble(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid tolerance '" + text + "' for " + column
                    + ": give an absolute tolerance such as 0.05.", e);
        }
    }
}
