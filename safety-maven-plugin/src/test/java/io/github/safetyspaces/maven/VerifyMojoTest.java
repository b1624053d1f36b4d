package io.github.safetyspaces.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyMojoTest {

    private static final String PROJECTION = "projection/projection.csv";
    private static final String SUMMARY = "update-spaces/update-spaces-summary.csv";

    @TempDir
    Path folder;

    /** Copies the projection and update-spaces results of a tiny-reproduction run into the folder. */
    private void copyResults() throws IOException, URISyntaxException {
        Path source = Path.of(VerifyMojoTest.class.getResource("tiny").toURI());
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path copy = folder.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
    }

    private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        Class<?> type = target.getClass();
        while (type != null) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                field.set(target, value);
                return;
            } catch (NoSuchFieldException e) {
                type = type.getSuperclass();
            }
        }
        throw new NoSuchFieldException(name);
    }

    private VerifyMojo mojo(List<BoundExpectation> bounds, List<OrderingExpectation> orderings,
            List<BaselineExpectation> baselines) throws ReflectiveOperationException {
        VerifyMojo mojo = new VerifyMojo();
        set(mojo, "outputDirectory", folder.toFile());
        set(mojo, "experiment", "tiny");
        set(mojo, "bounds", bounds);
        set(mojo, "orderings", orderings);
        set(mojo, "baselines", baselines);
        return mojo;
    }

    @Test
    void expectationsThatHoldPass() throws Exception {
        copyResults();
        VerifyMojo mojo = mojo(
                List.of(new BoundExpectation(PROJECTION, "finetune=aligned,basis=none", "refusal_rate", 0.8, null)),
                List.of(new OrderingExpectation(SUMMARY, "granularity=layer", null, new OrderingSide(null, "mean_mso"),
                                new OrderingSide(null, "mean_random_baseline")),
                        new OrderingExpectation(PROJECTION, "basis=none", "harmfulness",
                                new OrderingSide("finetune=harmful", null), new OrderingSide("finetune=aligned", null))),
                List.of());
        mojo.execute();
        assertTrue(Files.isRegularFile(folder.resolve("summary.md")));
        assertTrue(Files.isRegularFile(folder.resolve("report/index.html")));
        assertTrue(Files.readString(folder.resolve("MANIFEST.sha256")).contains("  report/index.html\n"));
    }

    @Test
    void failedExpectationsReportedTogetherAfterTheReport() throws Exception {
        copyResults();
        Path baseline = folder.resolve("../baseline.csv");
        Files.writeString(baseline, "finetune,basis,method,frac,utility_strict\naligned,none,none,,0.5\n");
        VerifyMojo mojo = mojo(
                List.of(new BoundExpectation(PROJECTION, "finetune=aligned,basis=none", "utility_strict", 0.9, null),
                        new BoundExpectation(PROJECTION, "finetune=nobody", "utility_strict", 0.9, null)),
                List.of(new OrderingExpectation(PROJECTION, "basis=none", "harmfulness",
                        new OrderingSide("finetune=aligned", null), new OrderingSide("finetune=harmful", null))),
                List.of(new BaselineExpectation(PROJECTION, baseline.toFile(), null, Map.of("utility_strict", "0.01"))));
        MojoFailureException error = assertThrows(MojoFailureException.class, mojo::execute);
        String message = error.getMessage();
        assertTrue(message.startsWith("4 of 4 expectation(s) failed. Set -Dsafety.failOnExpectations=false"), message);
        assertTrue(message.contains("Bound (utility_strict >= 0.9 in projection/projection.csv where"
                + " finetune=aligned,basis=none) failed:\n    projection/projection.csv line 3 (finetune=aligned,"
                + " basis=none, method=none, frac=): utility_strict is 0.390000, below the minimum 0.9."), message);
        assertTrue(message.contains("where finetune=nobody selects no row of projection/projection.csv"), message);
        assertTrue(message.contains("harmfulness 0.00000 at line 3 (finetune=aligned, basis=none, method=none, frac=)"
                + " is not above harmfulness 0.977778 at line 50"), message);
        assertTrue(message.contains("utility_strict is 0.390000, baseline 0.5"), message);
        assertTrue(Files.readString(folder.resolve("report/index.html")).contains("4 failed expectation(s)"),
                "the report is written before the build fails");
        assertTrue(Files.isRegularFile(folder.resolve("MANIFEST.sha256")));
    }

    @Test
    void failedExpectationsOnlyWarnWhenAllowed() throws Exception {
        copyResults();
        VerifyMojo mojo = mojo(List.of(new BoundExpectation(PROJECTION, "basis=none", "utility_strict", 0.9, null)),
                List.of(), List.of());
        set(mojo, "failOnExpectations", false);
        mojo.execute();
        assertTrue(Files.readString(folder.resolve("report/index.html")).contains("1 failed expectation(s)"));
    }

    @Test
    void invalidEntriesFailWithTheirPosition() throws Exception {
        copyResults();
        VerifyMojo mojo = mojo(List.of(new BoundExpectation(PROJECTION, "basis=none", "utility_strict", null, null)),
                List.of(new OrderingExpectation(PROJECTION, null, "harmfulness", null, new OrderingSide(null, null))),
                List.of(new BaselineExpectation(PROJECTION, new File("b.csv"), null, Map.of("mso", "tight"))));
        MojoFailureException error = assertThrows(MojoFailureException.class, mojo::execute);
        String message = error.getMessage();
        assertTrue(message.contains("Bound 1 in <bounds> failed:\n    cannot be checked: Bound (utility_strict in"
                + " projection/projection.csv) has neither <min> nor <max>; give at least one."), message);
        assertTrue(message.contains("Ordering 1 in <orderings> failed:\n    cannot be checked: an ordering needs both"
                + " <larger> and <smaller>."), message);
        assertTrue(message.contains("Baseline 1 in <baselines> failed:\n    cannot be checked: Invalid tolerance"
                + " 'tight' for mso: give an absolute tolerance such as 0.05."), message);
    }

    @Test
    void invalidResultFileFailsTheBuild() throws Exception {
        copyResults();
        Path projection = folder.resolve(PROJECTION);
        Files.writeString(projection, Files.readString(projection).replace("aligned,none,none,,,,,,,0.390000",
                "aligned,none,none,,,,,,,1.390000"));
        VerifyMojo mojo = mojo(List.of(), List.of(), List.of());
        set(mojo, "failOnExpectations", false);
        MojoFailureException error = assertThrows(MojoFailureException.class, mojo::execute);
        assertEquals("1 problem(s) in the result files under " + folder + ". Each file is written by a goal (see"
                + " docs/experiments.md); rerun that goal, or correct the code that wrote the value.\n"
                + "  projection/projection.csv line 3, column 10 (utility_strict), value \"1.390000\": out of range;"
                + " must be a decimal number in [0, 1].", error.getMessage());
    }

    @Test
    void missingFolderFails() throws Exception {
        VerifyMojo mojo = mojo(null, null, null);
        set(mojo, "outputDirectory", folder.resolve("absent").toFile());
        MojoFailureException error = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(error.getMessage().startsWith("Nothing to verify: "), error.getMessage());
    }
}
