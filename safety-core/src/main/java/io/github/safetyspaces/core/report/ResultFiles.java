package io.github.safetyspaces.core.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds and checks the CSV files of an experiment folder. The checks here apply to every result
 * file: a header, the same number of cells in every row, and no NaN or infinite number.
 */
public final class ResultFiles {

    /** Folders that hold caches rather than results. */
    private static final List<String> SKIPPED_FOLDERS = List.of("svd-cache");

    private ResultFiles() {
    }

    /**
     * Lists the CSV files under a folder, in path order, skipping caches and hidden temporary files.
     *
     * @param folder the experiment's output folder
     * @return the files, relative order stable across runs
     */
    public static List<Path> csvFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".csv"))
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(file -> SKIPPED_FOLDERS.stream().noneMatch(skipped ->
                            folder.relativize(file).startsWith(skipped)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every CSV file under a folder and collects the problems found.
     *
     * @param folder the experiment's output folder
     * @return one message per problem, naming the file, line and column; empty when all are valid
     */
    public static List<String> check(Path folder) {
        List<String> problems = new ArrayList<>();
        for (Path file : csvFiles(folder)) {
            CsvTable table;
            try {
                table = CsvTable.read(file);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                continue;
            }
            if (table.rows().isEmpty()) {
                problems.add(file + " has a header but no rows.");
            }
            for (int i = 0; i < table.rows().size(); i++) {
                for (Map.Entry<String, String> cell : table.rows().get(i).entrySet()) {
                    if (isNonFinite(cell.getValue())) {
                        problems.add(file + " line " + table.lines().get(i) + ", column " + cell.getKey() + ": "
                                + cell.getValue() + " is not a finite number.");
                    }
                }
            }
        }
        return problems;
    }

    private static boolean isNonFinite(String cell) {
        String value = cell.trim();
        if (value.equalsIgnoreCase("nan") || value.equalsIgnoreCase("inf") || value.equalsIgnoreCase("-inf")) {
            return true;
        }
        try {
            return !Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
