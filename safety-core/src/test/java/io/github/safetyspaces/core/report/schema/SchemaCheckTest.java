package io.github.safetyspaces.core.report.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.activations.OverlapCsv;
import io.github.safetyspaces.core.projection.ProjectionSweep;
import io.github.safetyspaces.core.report.CsvProblem;
import io.github.safetyspaces.core.report.ResultFiles;
import io.github.safetyspaces.core.report.TinyResults;
import io.github.safetyspaces.core.training.TrainingLogCsv;
import io.github.safetyspaces.core.updatespaces.OverlapTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCheckTest {

    private static final String PROJECTION_HEADER = "finetune,basis,method,frac,energy_kept,cos_task_kept,"
            + "cos_task_align,rank_limited_tensors,degenerate,utility_strict,utility_flexible,harmfulness,refusal_rate";
    private static final String REFERENCE_ROW = "aligned,none,none,,,,,,,0.390000,0.390000,0.00000,1.00000";
    private static final String PROJECTED_ROW = "useful,top_k,same,0.500000,0.250000,0.500000,0.100000,0,false,"
            + "0.400000,0.400000,0.100000,0.900000";

    @TempDir
    Path folder;

    private List<String> check(String relative, String text) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return ResultFiles.check(folder, file).stream().map(CsvProblem::message).toList();
    }

    private List<String> checkProjection(String... rows) throws IOException {
        return check("projection/projection.csv", PROJECTION_HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    /** Replaces one cell of a CSV row, counting columns from 1. */
    private static String withCell(String row, int column, String value) {
        String[] cells = row.split(",", -1);
        cells[column - 1] = value;
        return String.join(",", cells);
    }

    @Test
    void realFilesOfEveryKindAreValid() {
        TinyResults.copyTo(folder);
        List<Path> files = ResultFiles.csvFiles(folder);
        for (FileSchema schema : ResultSchemas.ALL) {
            assertTrue(files.stream().anyMatch(schema::appliesTo), "the fixture has no " + schema.kind());
        }
        assertEquals(List.of(), ResultFiles.check(folder).stream().map(CsvProblem::message).toList());
    }

    @Test
    void validProjectionRowsPass() throws IOException {
        assertEquals(List.of(), checkProjection(REFERENCE_ROW, PROJECTED_ROW));
    }

    @Test
    void missingColumnNamed() throws IOException {
        String header = PROJECTION_HEADER.replace(",harmfulness", "");
        String row = REFERENCE_ROW.replace(",0.00000,1.00000", ",1.00000");
        List<String> problems = check("projection/projection.csv", header + "\n" + row + "\n");
        assertEquals(List.of("projection/projection.csv line 1: missing column harmfulness; projection.csv has the"
                + " columns " + PROJECTION_HEADER + "."), problems);
    }

    @Test
    void extraColumnNamed() throws IOException {
        List<String> problems = check("projection/projection.csv", PROJECTION_HEADER + ",notes\n" + REFERENCE_ROW
                + ",x\n");
        assertEquals(List.of("projection/projection.csv line 1, column 14, value \"notes\": unexpected column;"
                + " projection.csv has the columns " + PROJECTION_HEADER + "."), problems);
    }

    @Test
    void columnsOutOfOrderNamed() throws IOException {
        String swapped = PROJECTION_HEADER.replace("utility_strict,utility_flexible", "utility_flexible,utility_strict");
        List<String> problems = check("projection/projection.csv", swapped + "\n" + REFERENCE_ROW + "\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("projection/projection.csv line 1, value \"" + swapped
                + "\": columns out of order;"), problems.get(0));
    }

    @Test
    void wrongTypesNamed() throws IOException {
        String row = withCell(withCell(PROJECTED_ROW, 8, "1.5"), 9, "yes");
        List<String> problems = checkProjection(REFERENCE_ROW, row);
        assertEquals(List.of(
                "projection/projection.csv line 3, column 8 (rank_limited_tensors), value \"1.5\": must be an integer"
                        + " in [0, inf).",
                "projection/projection.csv line 3, column 9 (degenerate), value \"yes\": must be true or false."),
                problems);
    }

    @Test
    void decimalInTextFormNamed() throws IOException {
        List<String> problems = checkProjection(withCell(PROJECTED_ROW, 10, "0.4d"));
        assertEquals(List.of("projection/projection.csv line 2, column 10 (utility_strict), value \"0.4d\": must be"
                + " a decimal number in [0, 1]."), problems);
    }

    @Test
    void valuesOutOfRangeNamed() throws IOException {
        List<String> problems = checkProjection(withCell(PROJECTED_ROW, 4, "1.5"), withCell(withCell(PROJECTED_ROW,
                4, "0"), 6, "-1.2"), withCell(PROJECTED_ROW, 13, "1.01"));
        assertEquals(List.of(
                "projection/projection.csv line 2, column 4 (frac), value \"1.5\": out of range; must be a decimal"
                        + " number in (0, 1].",
                "projection/projection.csv line 3, column 4 (frac), value \"0\": out of range; must be a decimal"
                        + " number in (0, 1].",
                "projection/projection.csv line 3, column 6 (cos_task_kept), value \"-1.2\": out of range; must be a"
                        + " decimal number in [-1, 1].",
                "projection/projection.csv line 4, column 13 (refusal_rate), value \"1.01\": out of range; must be a"
                        + " decimal number in [0, 1]."), problems);
    }

    @Test
    void nanReportedOnce() throws IOException {
        List<String> problems = checkProjection(withCell(PROJECTED_ROW, 5, "NaN"));
        assertEquals(List.of("projection/projection.csv line 2, column 5 (energy_kept), value \"NaN\": not a finite"
                + " number; NaN and infinite values are not allowed in results."), problems);
    }

    @Test
    void emptyRequiredCellsNamed() throws IOException {
        List<String> problems = checkProjection(withCell(REFERENCE_ROW, 10, ""), withCell(PROJECTED_ROW, 4, ""),
                withCell(REFERENCE_ROW, 1, ""));
        assertEquals(List.of(
                "projection/projection.csv line 2, column 10 (utility_strict), value \"\": must not be empty; expected"
                        + " a decimal number in [0, 1].",
                "projection/projection.csv line 3, column 4 (frac), value \"\": must not be empty unless basis=none;"
                        + " expected a decimal number in (0, 1].",
                "projection/projection.csv line 4, column 1 (finetune), value \"\": must not be empty; expected"
                        + " text."), problems);
    }

    @Test
    void filledCellOfReferenceRowNamed() throws IOException {
        List<String> problems = checkProjection(withCell(REFERENCE_ROW, 4, "0.5"));
        assertEquals(List.of("projection/projection.csv line 2, column 4 (frac), value \"0.5\": must be empty when"
                + " basis=none."), problems);
    }

    @Test
    void unknownTextValueNamed() throws IOException {
        List<String> problems = checkProjection(withCell(PROJECTED_ROW, 2, "topk"));
        assertEquals(List.of("projection/projection.csv line 2, column 2 (basis), value \"topk\": not an allowed"
                + " value; must be text: one of none, top_k, random, random_k."), problems);
    }

    @Test
    void raggedRowNamed() throws IOException {
        List<String> problems = checkProjection(REFERENCE_ROW, PROJECTED_ROW.substring(0, PROJECTED_ROW.lastIndexOf(',')));
        assertEquals(List.of("projection/projection.csv line 3: 12 cells for 13 columns."), problems);
    }

    @Test
    void duplicateKeyNamed() throws IOException {
        List<String> problems = checkProjection(PROJECTED_ROW, withCell(PROJECTED_ROW, 4, "0.5"));
        assertEquals(List.of("projection/projection.csv line 3, value \"useful,top_k,same,0.5\": duplicate row: line 2"
                + " has the same finetune, basis, method, frac; each row of projection.csv must be unique in these"
                + " columns."), problems);
    }

    @Test
    void everyProblemOfAFileCollected() throws IOException {
        List<String> problems = checkProjection(withCell(withCell(PROJECTED_ROW, 4, "2"), 12, "-0.1"),
                withCell(REFERENCE_ROW, 11, "x"));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("line 2, column 4 (frac)"), problems.get(0));
        assertTrue(problems.get(1).contains("line 2, column 12 (harmfulness)"), problems.get(1));
        assertTrue(problems.get(2).contains("line 3, column 11 (utility_flexible)"), problems.get(2));
    }

    @Test
    void activationOverlapEmptyWhenEitherKIsZero() throws IOException {
        String header = "model,layer,pair,eta,centred,kx,ky,D,mso,random_baseline\n";
        assertEquals(List.of(), check("activations/activations-base.csv", header
                + "base,0,useful-harmful,0.5,true,0,3,64,,\n"
                + "base,0,useful-harmful,0.6,true,2,0,64,,\n"
                + "base,1,useful-harmful,0.5,false,2,3,64,0.5,0.046875\n"));
        List<String> problems = check("activations/activations-base.csv", header
                + "base,0,useful-harmful,0.5,true,0,3,64,0.5,0.046875\n");
        assertEquals(List.of(
                "activations/activations-base.csv line 2, column 9 (mso), value \"0.5\": must be empty when kx=0 or"
                        + " ky=0.",
                "activations/activations-base.csv line 2, column 10 (random_baseline), value \"0.046875\": must be"
                        + " empty when kx=0 or ky=0."), problems);
    }

    @Test
    void sampledBaselineColumnsOptional() throws IOException {
        String base = "granularity,group,layer,x,y,eta,kx,ky,d,columns,mso,random_baseline";
        String row = "tensor,model.norm.weight,-1,useful,harmful,0.5,1,1,64,1,1.00000,0.0156250";
        assertEquals(List.of(), check("update-spaces/update-spaces.csv", base + ",degenerate,precision\n" + row
                + ",false,float32\n"));
        assertEquals(List.of(), check("update-spaces/update-spaces.csv", base
                + ",sampled_baseline_mean,sampled_baseline_std,degenerate,precision\n" + row
                + ",0.0160000,0.0100000,false,float32\n"));
        List<String> problems = check("update-spaces/update-spaces.csv", base
                + ",degenerate,precision,sampled_baseline_mean\n" + row + ",false,float32,0.0160000\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("columns out of order"), problems.get(0));
    }

    @Test
    void trainingLogRanges() throws IOException {
        List<String> problems = check("models/aligned/train-log.csv", "step,epoch,loss,learning_rate,grad_norm,tokens\n"
                + "0,0.01,-0.5,0.001,1.0,100\n");
        assertEquals(List.of(
                "models/aligned/train-log.csv line 2, column 1 (step), value \"0\": out of range; must be an integer"
                        + " in [1, inf).",
                "models/aligned/train-log.csv line 2, column 3 (loss), value \"-0.5\": out of range; must be a decimal"
                        + " number in [0, inf)."), problems);
    }

    @Test
    void legacyElapsedSecondsColumnAccepted() throws IOException {
        // Written by the version before resumable training; such a model keeps its fingerprint.
        String legacy = "step,epoch,loss,learning_rate,grad_norm,tokens,elapsed_seconds\n"
                + "1,0.500000,2.31000000,0.00100000000,1.20000000,100,0.412\n"
                + "2,1.00000,2.10000000,0.00100000000,1.10000000,96,0.803\n";
        assertEquals(List.of(), check("models/aligned/train-log.csv", legacy));
        List<String> negative = check("models/aligned/train-log.csv", legacy.replace("0.803", "-1"));
        assertEquals(1, negative.size(), negative.toString());
        assertTrue(negative.get(0).contains("column 7 (elapsed_seconds)"), negative.get(0));
    }

    @Test
    void unknownFileGetsGenericChecksOnly() throws IOException {
        assertEquals(List.of(), check("extra/notes.csv", "frac,mso\n5,-3\n"));
    }

    @Test
    void schemasMatchTheWriters() {
        assertEquals(TrainingLogCsv.COLUMNS, ResultSchemas.TRAINING_LOG.columnNames().subList(0,
                TrainingLogCsv.COLUMNS.size()));
        assertEquals(ProjectionSweep.COLUMNS, ResultSchemas.PROJECTION.columnNames().subList(0,
                ProjectionSweep.COLUMNS.size()));
        assertEquals(List.of("finetune", "basis", "method", "frac", "layer", "removed_norm"),
                ResultSchemas.PROJECTION_LAYERS.columnNames());
        List<String> overlaps = new ArrayList<>(OverlapTables.COLUMNS);
        overlaps.addAll(OverlapTables.SAMPLED_COLUMNS);
        overlaps.addAll(OverlapTables.TRAILING_COLUMNS);
        assertEquals(overlaps, ResultSchemas.UPDATE_SPACES.columnNames());
        assertEquals(OverlapTables.SUMMARY_COLUMNS, ResultSchemas.UPDATE_SPACES_SUMMARY.columnNames());
        assertEquals(OverlapCsv.HEADER, ResultSchemas.ACTIVATIONS.columnNames());
    }

    @Test
    void schemaChosenByFileName() {
        assertEquals(ResultSchemas.ACTIVATIONS, ResultSchemas.forFile(Path.of("activations/activations-useful.csv"))
                .orElseThrow());
        assertEquals(ResultSchemas.TRAINING_LOG, ResultSchemas.forFile(Path.of("models/x/train-log.csv"))
                .orElseThrow());
        assertTrue(ResultSchemas.forFile(Path.of("eval/other.csv")).isEmpty());
    }
}
