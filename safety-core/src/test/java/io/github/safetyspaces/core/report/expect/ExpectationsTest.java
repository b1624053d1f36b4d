package io.github.safetyspaces.core.report.expect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.TinyResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectationsTest {

    private static final String PROJECTION = "projection/projection.csv";
    private static final String SUMMARY = "update-spaces/update-spaces-summary.csv";
    private static final String PROJECTION_HEADER = "finetune,basis,method,frac,energy_kept,cos_task_kept,"
            + "cos_task_align,rank_limited_tensors,degenerate,utility_strict,utility_flexible,harmfulness,refusal_rate\n";

    @TempDir
    Path folder;

    private void write(String relative, String text) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Writes a projection table: three reference rows and two projected rows of the useful fine-tune. */
    private void writeProjection() throws IOException {
        write(PROJECTION, PROJECTION_HEADER
                + "aligned,none,none,,,,,,,0.390000,0.390000,0.300000,0.700000\n"
                + "harmful,none,none,,,,,,,0.275000,0.275000,0.200000,0.800000\n"
                + "useful,none,none,,,,,,,0.415000,,0.00000,1.00000\n"
                + "useful,top_k,same,0.500000,0.7,0.8,0.2,0,false,0.430000,0.430000,0.00000,1.00000\n"
                + "useful,random,same,0.500000,0.1,0.3,0.2,0,false,0.380000,0.380000,0.0500000,0.950000\n");
    }

    private static List<String> check(Expectation expectation, Path folder) {
        List<ExpectationOutcome> outcomes = ExpectationOutcome.checkAll(List.of(expectation), new ResultTables(folder));
        return outcomes.get(0).failures();
    }

    private static Ordering.Side side(String where, String column) {
        return new Ordering.Side(RowSelector.parse(where), column);
    }

    @Test
    void expectationsOnRealResultsHold() {
        TinyResults.copyTo(folder);
        List<Expectation> expectations = List.of(
                new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=aligned,basis=none"), "refusal_rate",
                        0.8, null),
                new Ordering(null, SUMMARY, RowSelector.parse("granularity=layer"), side("", "mean_mso"),
                        side("", "mean_random_baseline"), 0),
                new Ordering(null, PROJECTION, RowSelector.parse("basis=none"), side("finetune=harmful", "harmfulness"),
                        side("finetune=aligned", "harmfulness"), 0));
        List<ExpectationOutcome> outcomes = ExpectationOutcome.checkAll(expectations, new ResultTables(folder));
        for (ExpectationOutcome outcome : outcomes) {
            assertTrue(outcome.passed(), outcome.message());
        }
    }

    @Test
    void boundBelowMinimumNamesRowValueAndBound() throws IOException {
        writeProjection();
        ColumnBound bound = new ColumnBound("aligned refuses", PROJECTION,
                RowSelector.parse("finetune=aligned,basis=none"), "refusal_rate", 0.8, null);
        assertEquals("Bound \"aligned refuses\" (refusal_rate >= 0.8 in projection/projection.csv where"
                + " finetune=aligned,basis=none)", bound.label());
        assertEquals(List.of("projection/projection.csv line 2 (finetune=aligned, basis=none, method=none, frac=):"
                + " refusal_rate is 0.700000, below the minimum 0.8."), check(bound, folder));
    }

    @Test
    void boundAboveMaximumCheckedInEverySelectedRow() throws IOException {
        writeProjection();
        ColumnBound bound = new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=useful,frac=0.5"),
                "energy_kept", 0.05, 0.5);
        assertEquals(List.of("projection/projection.csv line 5 (finetune=useful, basis=top_k, method=same,"
                + " frac=0.500000): energy_kept is 0.7, above the maximum 0.5."), check(bound, folder));
    }

    @Test
    void boundOnEmptyCellFails() throws IOException {
        writeProjection();
        ColumnBound bound = new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=useful,basis=none"),
                "utility_flexible", 0.0, null);
        assertEquals(List.of("projection/projection.csv line 4 (finetune=useful, basis=none, method=none, frac=):"
                + " utility_flexible is (empty), not a number."), check(bound, folder));
    }

    @Test
    void whereSelectingNoRowHasItsOwnMessage() throws IOException {
        writeProjection();
        ColumnBound bound = new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=algned,basis=none"),
                "refusal_rate", 0.8, null);
        assertEquals(List.of("cannot be checked: where finetune=algned,basis=none selects no row of"
                + " projection/projection.csv; finetune has aligned, harmful, useful; basis has none, top_k, random."
                + " Correct the conditions in the pom."), check(bound, folder));
    }

    @Test
    void whereNamingMissingColumnFails() throws IOException {
        writeProjection();
        ColumnBound bound = new ColumnBound(null, PROJECTION, RowSelector.parse("model=aligned"), "refusal_rate",
                0.8, null);
        List<String> failures = check(bound, folder);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("cannot be checked: where model=aligned names the column(s) model,"
                + " which projection/projection.csv lacks; its columns are finetune,basis,"), failures.get(0));
    }

    @Test
    void missingFileFails() {
        ColumnBound bound = new ColumnBound(null, PROJECTION, RowSelector.ALL, "refusal_rate", 0.8, null);
        List<String> failures = check(bound, folder);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("cannot be checked: projection/projection.csv does not exist"),
                failures.get(0));
    }

    @Test
    void boundNeedsMinOrMax() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new ColumnBound(null, PROJECTION, RowSelector.ALL, "refusal_rate", null, null));
        assertEquals("Bound (refusal_rate in projection/projection.csv) has neither <min> nor <max>; give at least"
                + " one.", error.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ColumnBound(null, PROJECTION, RowSelector.ALL, "refusal_rate", 0.9, 0.1));
    }

    @Test
    void columnAgainstColumnFailsPerRow() throws IOException {
        write(SUMMARY, "granularity,x,y,eta,mean_mso,mean_random_baseline,groups,degenerate_groups\n"
                + "layer,useful,harmful,0.1,0.30,0.10,4,0\n"
                + "layer,useful,harmful,0.5,0.20,0.25,4,0\n"
                + "tensor,useful,harmful,0.5,0.01,0.25,4,0\n");
        Ordering ordering = new Ordering(null, SUMMARY, RowSelector.parse("granularity=layer"), side("", "mean_mso"),
                side("", "mean_random_baseline"), 0);
        assertTrue(ordering.isColumnAgainstColumn());
        assertEquals(List.of("update-spaces/update-spaces-summary.csv line 3 (granularity=layer, x=useful, y=harmful,"
                + " eta=0.5): mean_mso 0.20 is not above mean_random_baseline 0.25."), check(ordering, folder));
    }

    @Test
    void rowAgainstRowFailureNamesBothRows() throws IOException {
        writeProjection();
        Ordering ordering = new Ordering("harm rises", PROJECTION, RowSelector.parse("basis=none"),
                side("finetune=harmful", "harmfulness"), side("finetune=aligned", "harmfulness"), 0);
        assertEquals("Ordering \"harm rises\" (harmfulness[finetune=harmful] > harmfulness[finetune=aligned] in"
                + " projection/projection.csv where basis=none)", ordering.label());
        assertEquals(List.of("projection/projection.csv: harmfulness 0.200000 at line 3 (finetune=harmful, basis=none,"
                + " method=none, frac=) is not above harmfulness 0.300000 at line 2 (finetune=aligned, basis=none,"
                + " method=none, frac=)."), check(ordering, folder));
    }

    @Test
    void rowAgainstRowNeedsOneRowPerSide() throws IOException {
        writeProjection();
        Ordering ordering = new Ordering(null, PROJECTION, RowSelector.ALL, side("finetune=useful", "utility_strict"),
                side("finetune=aligned", "utility_strict"), 0);
        List<String> failures = check(ordering, folder);
        assertEquals(List.of("cannot be checked: where finetune=useful selects 3 rows of projection/projection.csv"
                + " (lines 4, 5, 6), but a row-against-row ordering needs exactly one on each side; add conditions"
                + " that tell them apart."), failures);
    }

    @Test
    void orderingMarginRequiresAGap() throws IOException {
        writeProjection();
        Ordering ordering = new Ordering(null, PROJECTION, RowSelector.parse("frac=0.5"),
                side("basis=top_k", "utility_strict"), side("basis=random", "utility_strict"), 0.1);
        List<String> failures = check(ordering, folder);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).endsWith("is not above utility_strict 0.380000 at line 6 (finetune=useful,"
                + " basis=random, method=same, frac=0.500000) by more than the margin 0.1 (difference"
                + " 0.05)."), failures.get(0));
        Ordering met = new Ordering(null, PROJECTION, RowSelector.parse("frac=0.5"),
                side("basis=top_k", "utility_strict"), side("basis=random", "utility_strict"), 0.04);
        assertEquals(List.of(), check(met, folder));
    }

    @Test
    void orderingOfAValueWithItselfRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new Ordering(null,
                PROJECTION, RowSelector.ALL, side("", "mso"), side("", "mso"), 0));
        assertTrue(error.getMessage().contains("compares a value with itself"), error.getMessage());
    }

    @Test
    void baselineDifferenceBeyondToleranceNamed() throws IOException {
        writeProjection();
        write("../baseline/projection.csv", PROJECTION_HEADER
                + "aligned,none,none,,,,,,,0.390000,0.390000,0.300000,0.700000\n"
                + "useful,top_k,same,0.5,0.7,0.8,0.2,0,false,0.500000,0.500000,0.00000,1.00000\n"
                + "useful,random,same,0.5,0.1,0.3,0.2,0,false,0.330000,0.430000,0.0500000,0.950000\n");
        Map<String, Double> tolerances = new LinkedHashMap<>();
        tolerances.put("utility_strict", 0.05);
        tolerances.put("harmfulness", 0.01);
        BaselineComparison comparison = new BaselineComparison(null, PROJECTION,
                folder.resolve("../baseline/projection.csv"), List.of(), tolerances, RowSelector.ALL);
        String baseline = folder.resolve("../baseline/projection.csv").toString();
        // 0.38 - 0.33 is exactly the tolerance 0.05, so the random row passes.
        assertEquals(List.of("projection/projection.csv line 5 (finetune=useful, basis=top_k, method=same,"
                + " frac=0.500000): utility_strict is 0.430000, baseline 0.500000 (" + baseline + " line 3); the"
                + " difference 0.07 exceeds the tolerance 0.05."), check(comparison, folder));
    }

    @Test
    void baselineRowMissingFromResultsNamed() throws IOException {
        writeProjection();
        write("../baseline/projection.csv", PROJECTION_HEADER
                + "useful,top_k,same,0.25,0.7,0.8,0.2,0,false,0.430000,0.430000,0.00000,1.00000\n");
        BaselineComparison comparison = new BaselineComparison("sweep", PROJECTION,
                folder.resolve("../baseline/projection.csv"), List.of("finetune", "basis", "method", "frac"),
                Map.of("utility_strict", 0.05), RowSelector.ALL);
        String baseline = folder.resolve("../baseline/projection.csv").toString();
        assertEquals(List.of(baseline + " line 2 (finetune=useful, basis=top_k, method=same, frac=0.25) has no row"
                + " in projection/projection.csv with the same finetune, basis, method, frac."),
                check(comparison, folder));
    }

    @Test
    void baselineEmptyCellMatchesOnlyEmpty() throws IOException {
        writeProjection();
        write("../baseline/projection.csv", PROJECTION_HEADER
                + "useful,none,none,,,,,,,0.415000,0.415000,0.00000,1.00000\n");
        BaselineComparison comparison = new BaselineComparison(null, PROJECTION,
                folder.resolve("../baseline/projection.csv"), List.of(), Map.of("utility_flexible", 0.5),
                RowSelector.ALL);
        List<String> failures = check(comparison, folder);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).endsWith("utility_flexible is (empty), baseline 0.415000 ("
                + folder.resolve("../baseline/projection.csv") + " line 2); an empty cell matches only an empty"
                + " cell."), failures.get(0));
    }

    @Test
    void baselineNeedsTolerances() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new BaselineComparison(
                null, PROJECTION, Path.of("b.csv"), List.of(), Map.of(), RowSelector.ALL));
        assertTrue(error.getMessage().contains("has no <tolerances>"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BaselineComparison(null, PROJECTION, Path.of("b.csv"),
                List.of(), Map.of("mso", -0.1), RowSelector.ALL));
    }

    @Test
    void everyFailedExpectationCollected() throws IOException {
        writeProjection();
        List<Expectation> expectations = List.of(
                new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=aligned,basis=none"), "refusal_rate",
                        0.8, null),
                new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=nobody"), "refusal_rate", 0.8, null),
                new ColumnBound(null, PROJECTION, RowSelector.parse("finetune=useful,basis=none"), "refusal_rate",
                        0.8, null),
                Expectation.invalid("Bound 4 in <bounds>", "the entry has no <file>."));
        List<ExpectationOutcome> outcomes = ExpectationOutcome.checkAll(expectations, new ResultTables(folder));
        assertEquals(4, outcomes.size());
        assertEquals(List.of(false, false, true, false), outcomes.stream().map(ExpectationOutcome::passed).toList());
        assertEquals("Bound 4 in <bounds> failed:\n    cannot be checked: the entry has no <file>.",
                outcomes.get(3).message());
    }

    @Test
    void rowSelectorParsesAndMatchesNumbersByValue() {
        RowSelector selector = RowSelector.parse(" finetune = useful , frac=0.5,note=");
        assertEquals("finetune=useful,frac=0.5,note=", selector.toString());
        assertTrue(selector.matches(Map.of("finetune", "useful", "frac", "0.500000", "note", "")));
        assertTrue(!selector.matches(Map.of("finetune", "useful", "frac", "0.51", "note", "")));
        assertTrue(!selector.matches(Map.of("finetune", "useful", "frac", "0.5")), "a missing column fails");
        assertThrows(IllegalArgumentException.class, () -> RowSelector.parse("finetune"));
        assertThrows(IllegalArgumentException.class, () -> RowSelector.parse("a=1,a=2"));
        assertThrows(IllegalArgumentException.class, () -> RowSelector.parse("a=1").and(RowSelector.parse("a=2")));
    }
}
