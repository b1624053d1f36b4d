package io.github.safetyspaces.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {

    @TempDir
    Path folder;

    private Path write(String relative, String text) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void validFilesHaveNoProblems() throws IOException {
        write("extra/sweep.csv", "finetune,basis,frac,mso\nuseful,top_k,0.5,0.25\naligned,none,,1e-3\n");
        assertEquals(List.of(), ResultFiles.check(folder));
    }

    private List<String> messages() {
        return ResultFiles.check(folder).stream().map(CsvProblem::message).toList();
    }

    @Test
    void nonFiniteCellsNamed() throws IOException {
        write("a.csv", "pair,mso\nx,NaN\ny,0.5\nz,-Infinity\n");
        List<String> problems = messages();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("a.csv line 2, column 2 (mso), value \"NaN\": not a finite number; NaN and infinite values"
                + " are not allowed in results.", problems.get(0));
        assertTrue(problems.get(1).startsWith("a.csv line 4, column 2 (mso), value \"-Infinity\": not a finite"),
                problems.get(1));
    }

    @Test
    void raggedRowNamed() throws IOException {
        write("b.csv", "a,b,c\n1,2,3\n4,5\n");
        List<String> problems = messages();
        assertEquals(List.of("b.csv line 3: 2 cells for 3 columns."), problems);
    }

    @Test
    void headerWithoutRowsNamed() throws IOException {
        write("c.csv", "a,b\n");
        List<String> problems = messages();
        assertEquals(List.of("c.csv: has a header but no rows."), problems);
    }

    @Test
    void duplicateColumnNameNamed() throws IOException {
        write("d.csv", "a,a\n1,2\n");
        List<String> problems = messages();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("d.csv line 1: the header has the column 'a' twice; each column needs its own name.",
                problems.get(0));
    }

    @Test
    void cachesAndHiddenFilesIgnored() throws IOException {
        write("svd-cache/x.csv", "a\nNaN\n");
        write("models/.partial.csv", "a\nNaN\n");
        Path trainLog = write("models/m/log.csv", "step,loss\n1,0.5\n");
        assertEquals(List.of(trainLog), ResultFiles.csvFiles(folder));
        assertEquals(List.of(), ResultFiles.check(folder));
    }

    @Test
    void trainingStateFoldersIgnored() throws IOException {
        // state.json is a result-like name, and a state may be left by a killed or failed run.
        write("models/aligned.state/state.json", "{\"format\": 2}\n");
        write("models/aligned.state/notes.csv", "a\nNaN\n");
        Path record = write("models/aligned/training.json", "{}\n");
        Path stateNamedFile = write("notes/plan.state.md", "# a file, not a state folder\n");
        assertEquals(List.of("models/aligned/training.json", "notes/plan.state.md"), Manifest.artifacts(folder));
        assertEquals(List.of(), ResultFiles.csvFiles(folder));
        assertEquals(List.of(), ResultFiles.check(folder));
        assertTrue(Files.exists(record));
        assertTrue(Files.exists(stateNamedFile));
    }

    @Test
    void filesInsideTemporaryFoldersIgnored() throws IOException {
        write("models/.aligned.partial-0b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70/train-log.csv", "step,loss\n1,");
        write("projection/.checkpoints.old-0b0e4f6a-1c1d-4e55-9f0a-2b3c4d5e6f70/x.csv", "a\nNaN\n");
        assertEquals(List.of(), ResultFiles.csvFiles(folder));
        assertEquals(List.of(), Manifest.artifacts(folder));
    }

    @Test
    void companionWithoutMainFileNamed() throws IOException {
        write("projection/projection-layers.csv", "finetune,basis,method,frac,layer,removed_norm\n"
                + "useful,top_k,same,0.5,0,0.25\n");
        List<String> problems = messages();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("projection/projection-layers.csv"), problems.get(0));
        assertTrue(problems.get(0).contains("exists without projection.csv"), problems.get(0));
        assertTrue(problems.get(0).contains("run the goal again"), problems.get(0));
    }

    @Test
    void mainFileWithoutCompanionAccepted() throws IOException {
        write("update-spaces/update-spaces-summary.csv", "granularity,x,y,eta,mean_mso\ntensor,a,b,0.5,0.25\n");
        assertTrue(messages().stream().noneMatch(problem -> problem.contains("exists without")), messages().toString());

        Files.delete(folder.resolve("update-spaces/update-spaces-summary.csv"));
        write("update-spaces/update-spaces.csv", "granularity,group,x,y,eta,mso\ntensor,q,a,b,0.5,0.25\n");
        assertTrue(messages().stream().anyMatch(problem -> problem.startsWith("update-spaces/update-spaces.csv")
                && problem.contains("exists without update-spaces-summary.csv")), messages().toString());
    }

    @Test
    void summaryListsModelsAndReferenceRows() throws IOException {
        write("models/aligned/train-log.csv", "step,loss\n1,2.5\n2,1.25\n");
        write("projection/projection.csv", "finetune,basis,method,frac,utility_strict,utility_flexible,refusal_rate\n"
                + "base,none,none,,0.0,0.0,0.0\naligned,none,none,,0.9,0.95,1.0\nuseful,top_k,same,0.5,0.8,0.8,1.0\n");
        String summary = Files.readString(ExperimentSummary.write(folder, "tiny"));
        assertTrue(summary.startsWith("# tiny\n"), summary);
        assertTrue(summary.contains("| models/aligned | 2 | 2.5 | 1.25 |"), summary);
        assertTrue(summary.contains("| aligned | 0.9 | 0.95 | 1.0 |"), summary);
        assertTrue(!summary.contains("| useful | 0.8"), "projected rows are not reference rows: " + summary);
        assertTrue(summary.contains("| projection/projection.csv | 3 |"), summary);
    }
}
