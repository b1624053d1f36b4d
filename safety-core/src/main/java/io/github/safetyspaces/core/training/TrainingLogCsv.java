package io.github.safetyspaces.core.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code train-log.csv}: one row per optimizer step with the columns {@code step, epoch,
 * loss, learning_rate, grad_norm, tokens}.
 *
 * <p>The file holds no wall-clock time: it depends only on the run's inputs, so a run that resumed
 * from a training state writes the same bytes as an uninterrupted one. Timings are in the log and in
 * {@code training.json}.
 */
public final class TrainingLogCsv {

    /** File name inside a fine-tuned checkpoint directory. */
    public static final String FILE_NAME = "train-log.csv";

    /** Column names, in order. */
    public static final List<String> COLUMNS =
            List.of("step", "epoch", "loss", "learning_rate", "grad_norm", "tokens");

    private TrainingLogCsv() {
    }

    /**
     * Writes the log of a run.
     *
     * @param file the CSV file to create or replace
     * @param logs the steps, in order
     */
    public static void write(Path file, List<StepLog> logs) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(COLUMNS.toArray(String[]::new))
                .setRecordSeparator("\n").get();
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, format)) {
            for (StepLog log : logs) {
                // Losses keep 9 significant digits, enough to compare float32 runs exactly.
                printer.printRecord(log.step(), String.format(Locale.ROOT, "%.6f", log.epoch()),
                        String.format(Locale.ROOT, "%.9g", log.loss()),
                        String.format(Locale.ROOT, "%.9g", log.learningRate()),
                        String.format(Locale.ROOT, "%.9g", log.gradientNorm()), log.tokens());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
