package io.github.safetyspaces.core.report;

import io.github.safetyspaces.core.report.schema.FileSchema;
import io.github.safetyspaces.core.report.schema.ResultSchemas;
import io.github.safetyspaces.core.report.schema.SchemaCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds and checks the CSV files of an experiment folder. Every file gets the generic checks: a
 * header, at least one row, the same number of cells in every row, and no NaN or infinite number. A
 * file that a goal of this plugin writes is also checked against its schema in {@link ResultSchemas}.
 */
public final class ResultFiles {

    /** Folders that hold caches rather than results. */
    private static final List<String> SKIPPED_FOLDERS = List.of("svd-cache");

    /**
     * Ending of the training state folders that {@code finetune} keeps beside a model while it trains,
     * {@code models/<id>.state/} (see {@code TrainingStateDirectory}): working files, not results.
     */
    private static final String STATE_FOLDER_SUFFIX = ".state";

    /**
     * Companions of result files that one goal writes together, by the main file's name. The goal removes
     * the old main file first and renames the new one into place last, so a companion without its main
     * file is what an interrupted run leaves. A main file alone is accepted: no write leaves that state, and
     * trimmed copies of results often keep only the main table.
     */
    private static final Map<String, List<String>> COMPANIONS = Map.of(
            "projection.csv", List.of("projection-layers.csv"),
            "update-spaces-summary.csv", List.of("update-spaces.csv"));

    private ResultFiles() {
    }

    /**
     * Lists the CSV files under a folder, in path order, skipping caches, training state folders and
     * hidden temporary files.
     *
     * @param folder the experiment's output folder
     * @return the files, relative order stable across runs
     */
    public static List<Path> csvFiles(Path folder) {
        return files(folder, ".csv");
    }

    /**
     * Lists the files under a folder whose names end in one of the given suffixes, in path order,
     * skipping caches, hidden temporary files, and everything inside hidden temporary directories and
     * training state folders ({@code *.state}).
     *
     * @param folder the experiment's output folder
     * @param suffixes file name endings such as {@code .csv}
     * @return the files, sorted by path
     */
    public static List<Path> files(Path folder, String... suffixes) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> Stream.of(suffixes).anyMatch(file.getFileName().toString()::endsWith))
                    .filter(file -> !isHiddenOrState(folder.relativize(file)))
                    .filter(file -> SKIPPED_FOLDERS.stream().noneMatch(skipped ->
                            folder.relativize(file).startsWith(skipped)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns whether any name in a relative path starts with a dot, as every temporary name does, or
     * any folder in it is a training state folder.
     */
    private static boolean isHiddenOrState(Path relative) {
        for (int i = 0; i < relative.getNameCount(); i++) {
            String name = relative.getName(i).toString();
            boolean isFolder = i < relative.getNameCount() - 1;
            if (name.startsWith(".") || isFolder && name.endsWith(STATE_FOLDER_SUFFIX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lists the training logs of the fine-tuned models, {@code models/<id>/train-log.csv}.
     *
     * @param folder the experiment's output folder
     * @return the logs, sorted by path; empty when there is no {@code models} folder
     */
    public static List<Path> trainingLogs(Path folder) {
        Path models = folder.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(models)) {
            return dirs.map(dir -> dir.resolve("train-log.csv")).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to list " + models + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every CSV file under a folder and collects the problems found.
     *
     * @param folder the experiment's output folder
     * @return the problems, by file in path order; empty when all files are valid
     */
    public static List<CsvProblem> check(Path folder) {
        List<CsvProblem> problems = new ArrayList<>();
        List<Path> files = csvFiles(folder);
        for (Path file : files) {
            problems.addAll(check(folder, file));
        }
        problems.addAll(checkCompanions(folder, files));
        return problems;
    }

    /** Reports each companion file whose main file is missing beside it. */
    private static List<CsvProblem> checkCompanions(Path folder, List<Path> files) {
        List<CsvProblem> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            COMPANIONS.forEach((main, companions) -> {
                if (companions.contains(name) && !Files.isRegularFile(file.resolveSibling(main))) {
                    problems.add(CsvProblem.ofFile(folder.relativize(file), "exists without " + main + ", which the"
                            + " same goal writes after it; the goal was interrupted or the file deleted, so run the"
                            + " goal again."));
                }
            });
        }
        return problems;
    }

    /**
     * Checks one CSV file: the generic checks, then its schema's when it has one.
     *
     * @param folder the experiment's output folder, for the relative path in messages
     * @param file the file
     * @return the problems found, whole-file problems first, then by line and column
     */
    public static List<CsvProblem> check(Path folder, Path file) {
        Path relative = folder.relativize(file);
        CsvTable table;
        try {
            table = CsvTable.read(file);
        } catch (CsvFormatException e) {
            return List.of(new CsvProblem(relative, e.line(), 0, null, null, e.detail()));
        }

        List<CsvProblem> problems = new ArrayList<>();
        if (table.rows().isEmpty()) {
            problems.add(CsvProblem.ofFile(relative, "has a header but no rows."));
        }
        Optional<FileSchema> schema = ResultSchemas.forFile(file);
        if (schema.isPresent()) {
            problems.addAll(SchemaCheck.check(table, relative, schema.get()));
        }
        for (int i = 0; i < table.rows().size(); i++) {
            for (int c = 0; c < table.columns().size(); c++) {
                String column = table.columns().get(c);
                String cell = table.rows().get(i).get(column);
                if (Cells.isNonFinite(cell)) {
                    problems.add(new CsvProblem(relative, table.lines().get(i), c + 1, column, cell,
                            "not a finite number; NaN and infinite values are not allowed in results."));
                }
            }
        }
        // File-level problems first, then by line and column.
        problems.sort(Comparator.comparingLong(CsvProblem::line).thenComparingInt(CsvProblem::columnNumber));
        return problems;
    }
}
