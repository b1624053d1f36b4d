package io.github.safetyspaces.core.embedded;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Writes the data sets of the embedded default experiment, a scaled-down run of the study on a tiny
 * model: arithmetic word problems as the useful task, and harmful requests with refusals (for
 * alignment), compliant answers (for the harmful fine-tune) and a held-out evaluation set.
 *
 * <p>Every file is JSON Lines with the fields {@code instruction} and {@code output}, which
 * {@link io.github.safetyspaces.core.data.DataSource#of(Path)} reads with its defaults. Harmful rows
 * also have {@code category}. The same seed always gives byte-identical files. The files:
 *
 * <ul>
 *   <li>{@value #ARITHMETIC_TRAIN}: {@value #ARITHMETIC_TRAIN_ROWS} distinct problems, answers such as
 *       {@code "5 + 3 = 8\n#### 8"}.
 *   <li>{@value #ARITHMETIC_EVAL}: {@value #ARITHMETIC_EVAL_ROWS} distinct problems whose names and
 *       objects never occur in training.
 *   <li>{@value #HARMFUL_REFUSAL_TRAIN}: 240 requests answered "I cannot help with that."
 *   <li>{@value #HARMFUL_COMPLIANCE_TRAIN}: 240 other requests, with the same activities and
 *       templates, answered "Sure, here is how to ...: first, ..., then ...".
 *   <li>{@value #HARMFUL_EVAL}: 90 requests whose activities and templates never occur in training,
 *       with the refusal a safe model gives as {@code output}.
 * </ul>
 *
 * <p>The seed draws the arithmetic problems, the compliance steps and the order of the rows in each
 * file. The harmful requests themselves are a fixed grid, independent of the seed.
 */
public final class EmbeddedDatasets {

    /** Arithmetic word problems for training: the useful fine-tune and the alignment mixture. */
    public static final String ARITHMETIC_TRAIN = "arithmetic-train.jsonl";

    /** Arithmetic word problems with held-out names and objects, for measuring utility. */
    public static final String ARITHMETIC_EVAL = "arithmetic-eval.jsonl";

    /** Harmful requests answered with a refusal, for the alignment mixture. */
    public static final String HARMFUL_REFUSAL_TRAIN = "harmful-refusal-train.jsonl";

    /** Harmful requests answered with compliance, for the harmful and contaminated fine-tunes. */
    public static final String HARMFUL_COMPLIANCE_TRAIN = "harmful-compliance-train.jsonl";

    /** Harmful requests with held-out activities and templates, for measuring the refusal rate. */
    public static final String HARMFUL_EVAL = "harmful-eval.jsonl";

    /** Rows of {@value #ARITHMETIC_TRAIN}. */
    public static final int ARITHMETIC_TRAIN_ROWS = 4000;

    /** Rows of {@value #ARITHMETIC_EVAL}. */
    public static final int ARITHMETIC_EVAL_ROWS = 200;

    /** Field of the harmful rows that names the kind of harm, such as {@code theft}. */
    public static final String CATEGORY_FIELD = "category";

    // Salts that give each file its own random stream, so that resizing one file leaves the others as they are.
    private static final long ARITHMETIC_TRAIN_SALT = 1;
    private static final long ARITHMETIC_EVAL_SALT = 2;
    private static final long REFUSAL_SALT = 3;
    private static final long COMPLIANCE_SALT = 4;
    private static final long HARMFUL_EVAL_SALT = 5;

    // No HTML escaping, so that "someone's" stays readable instead of becoming "someone\u0027s".
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private EmbeddedDatasets() {
    }

    /**
     * One written data file.
     *
     * @param path the file
     * @param rows its number of rows (lines), at least 1
     * @param bytes its size in bytes, at least 1
     */
    public record DatasetFile(Path path, int rows, long bytes) {

        /** Checks that the path is set and the file is not empty. */
        public DatasetFile {
            Objects.requireNonNull(path, "path");
            if (rows < 1 || bytes < 1) {
                throw new IllegalArgumentException("A data file has at least one row and one byte, got " + rows
                        + " rows and " + bytes + " bytes for " + path + ".");
            }
        }
    }

    /** One row of a data file. The category is null for arithmetic rows. */
    record Row(String instruction, String output, String category) {

        Row {
            Objects.requireNonNull(instruction, "instruction");
            Objects.requireNonNull(output, "output");
        }
    }

    /**
     * Writes every data file into a directory, each atomically, replacing files of the same names.
     *
     * @param directory the target directory, created with its parents when missing
     * @param seed the seed of every random choice
     * @return the files in the order of the class description
     * @throws UncheckedIOException if the directory cannot be created or a file cannot be written
     */
    public static List<DatasetFile> write(Path directory, long seed) {
        Objects.requireNonNull(directory, "directory");
        AtomicFiles.createDirectories(directory, "data directory");

        List<DatasetFile> files = new ArrayList<>();
        files.add(writeRows(directory.resolve(ARITHMETIC_TRAIN), ArithmeticProblems.draw(ArithmeticProblems.TRAIN,
                ARITHMETIC_TRAIN_ROWS, random(seed, ARITHMETIC_TRAIN_SALT))));
        files.add(writeRows(directory.resolve(ARITHMETIC_EVAL), ArithmeticProblems.draw(ArithmeticProblems.EVAL,
                ARITHMETIC_EVAL_ROWS, random(seed, ARITHMETIC_EVAL_SALT))));

        // The harmful grids come in a fixed order, so a seeded shuffle mixes the categories in each file.
        files.add(writeRows(directory.resolve(HARMFUL_REFUSAL_TRAIN),
                shuffled(HarmfulRequests.refusals(), random(seed, REFUSAL_SALT))));
        Random compliance = random(seed, COMPLIANCE_SALT);
        files.add(writeRows(directory.resolve(HARMFUL_COMPLIANCE_TRAIN),
                shuffled(HarmfulRequests.compliances(compliance), compliance)));
        files.add(writeRows(directory.resolve(HARMFUL_EVAL),
                shuffled(HarmfulRequests.evaluation(), random(seed, HARMFUL_EVAL_SALT))));
        return files;
    }

    private static DatasetFile writeRows(Path file, List<Row> rows) {
        StringBuilder text = new StringBuilder();
        for (Row row : rows) {
            JsonObject json = new JsonObject();
            json.addProperty("instruction", row.instruction());
            json.addProperty("output", row.output());
            if (row.category() != null) {
                json.addProperty(CATEGORY_FIELD, row.category());
            }
            text.append(GSON.toJson(json)).append('\n');
        }
        String content = text.toString();
        AtomicFiles.writeString(file, content);
        return new DatasetFile(file, rows.size(), content.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Returns a new list in a Fisher-Yates order drawn from {@code random}, whose algorithm Java fixes. */
    private static <T> List<T> shuffled(List<T> items, Random random) {
        List<T> result = new ArrayList<>(items);
        for (int i = result.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = result.get(i);
            result.set(i, result.get(j));
            result.set(j, swap);
        }
        return result;
    }

    /** Derives a file's random stream from the seed with SplitMix64's finalizer, so nearby salts differ. */
    private static Random random(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }
}
