package io.github.safetyspaces.core.training;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.safetyspaces.core.checkpoint.AtomicDirectory;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder beside a run's output, {@code <output>.state}, that contains its latest
 * {@link TrainingState}: {@code weights.safetensors}, {@code adamw-first-moments.safetensors} and
 * {@code adamw-second-moments.safetensors} (float32, exact), and {@code state.json} with the run's
 * fingerprint, the {@link TrainingEnvironment} (versions and libtorch thread count), the SHA-256 of
 * each tensor file, the step, the data position and the step logs.
 *
 * <p>Each write builds a complete new folder and renames it over the old one
 * ({@link AtomicDirectory#replace}), so a process killed while writing leaves the previous state:
 * in place, or, when the kill falls between the two renames, moved aside, from where
 * {@link #read} puts it back. A
 * state whose fingerprint differs from the run's belongs to other inputs, and one saved under another
 * environment would not continue the run bit for bit: such a state is deleted, not used. So is a state
 * that cannot be read or whose tensor files do not match their recorded SHA-256.
 */
public final class TrainingStateDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingStateDirectory.class);

    /** Version of the folder's layout; a folder of another version is not read. */
    static final int FORMAT = 2;

    static final String STATE_JSON = "state.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String FIRST_MOMENTS = "adamw-first-moments.safetensors";
    static final String SECOND_MOMENTS = "adamw-second-moments.safetensors";

    /** The tensor files, each with its SHA-256 in {@code state.json}. */
    private static final List<String> TENSOR_FILES = List.of(WEIGHTS, FIRST_MOMENTS, SECOND_MOMENTS);

    private final Path directory;
    private final Supplier<TrainingEnvironment> environment;

    private TrainingStateDirectory(Path directory, Supplier<TrainingEnvironment> environment) {
        this.directory = directory;
        this.environment = environment;
    }

    /**
     * Returns the state folder of a run's output folder, {@code <output>.state} beside it, for runs in
     * this process's {@link TrainingEnvironment#current() environment}.
     *
     * @param output the run's output folder
     * @return the state folder, which need not exist
     */
    public static TrainingStateDirectory beside(Path output) {
        return beside(output, TrainingEnvironment::current);
    }

    /**
     * Returns the state folder of a run's output folder for runs in a given environment.
     *
     * @param output the run's output folder
     * @param environment the environment that states are written with and must match to be read;
     *     asked only when a state is written or read
     * @return the state folder, which need not exist
     */
    static TrainingStateDirectory beside(Path output, Supplier<TrainingEnvironment> environment) {
        Path absolute = output.toAbsolutePath();
        return new TrainingStateDirectory(absolute.resolveSibling(absolute.getFileName() + ".state"), environment);
    }

    /**
     * Returns the folder's path.
     *
     * @return the absolute path
     */
    public Path path() {
        return directory;
    }

    /**
     * Replaces the folder with a state, atomically.
     *
     * @param fingerprint the fingerprint of the run's inputs
     * @param state the state; its tensors are read once each
     * @throws UncheckedIOException naming the folder when writing fails; the previous state is then kept
     */
    public void write(String fingerprint, TrainingState state) {
        long started = System.nanoTime();
        TrainingEnvironment current = environment.get();
        AtomicDirectory.replace(directory, folder -> {
            SafetensorsWriter.write(folder.resolve(WEIGHTS), state.weights(), SafetensorsDType.F32, Map.of());
            SafetensorsWriter.write(folder.resolve(FIRST_MOMENTS), state.firstMoments(), SafetensorsDType.F32,
                    Map.of());
            SafetensorsWriter.write(folder.resolve(SECOND_MOMENTS), state.secondMoments(), SafetensorsDType.F32,
                    Map.of());

            // Digests of the files as written; the reread usually comes from the page cache.
            Map<String, String> digests = new LinkedHashMap<>();
            for (String file : TENSOR_FILES) {
                digests.put(file, Sha256.ofFile(folder.resolve(file)));
            }

            // Written last: a folder is complete once it has this file.
            AtomicFiles.writeString(folder.resolve(STATE_JSON), toJson(fingerprint, current, digests, state));
        });
        LOG.info("Saved the training state of step {}/{} to {} in {} s", state.step(), state.totalSteps(), directory,
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - started) / 1e9));
    }

    /**
     * Reads the state if the folder contains one of a run with this fingerprint and environment. A
     * state of other inputs or another environment, one that cannot be read, and one whose tensor
     * files do not match their recorded SHA-256 are deleted with a log line that gives the reason.
     * Hidden temporary folders that a killed write left beside it are deleted too.
     *
     * @param fingerprint the fingerprint of the run's inputs
     * @return the state, holding open files: close it; empty when there is no usable state
     */
    public Optional<TrainingState> read(String fingerprint) {
        restoreMovedAside();
        deleteLeftovers();
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        Optional<TrainingState> state = readUsable(fingerprint);
        if (state.isEmpty()) {
            delete();
        }
        return state;
    }

    /** Returns the state when this run can use it; otherwise logs why not and returns empty. */
    private Optional<TrainingState> readUsable(String fingerprint) {
        Path json = directory.resolve(STATE_JSON);
        try {
            JsonObject state = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8))
                    .getAsJsonObject();

            // Layout, inputs and environment: a state of another run is no error.
            long format = integer(state, "format");
            if (format != FORMAT) {
                LOG.info("Deleting the training state {}: its layout is format {}, this version reads format {},"
                        + " so this run starts from step 0.", directory, format, FORMAT);
                return Optional.empty();
            }
            String recorded = text(state, "fingerprint");
            if (!fingerprint.equals(recorded)) {
                LOG.info("Deleting the training state {}: it belongs to a run with other inputs (fingerprint {},"
                        + " this run {}), so this run starts from step 0.", directory, abbreviate(recorded),
                        abbreviate(fingerprint));
                return Optional.empty();
            }
            List<String> differences = environment.get().differences(environmentOf(state));
            if (!differences.isEmpty()) {
                LOG.info("Deleting the training state {}: it was saved under another environment ({}), where the"
                        + " weights would differ in the last bits, so this run starts from step 0.", directory,
                        String.join(", ", differences));
                return Optional.empty();
            }

            // Tensor files, checked against the digests recorded when they were written.
            JsonObject digests = object(state, "sha256");
            for (String file : TENSOR_FILES) {
                String expected = text(digests, file);
                String actual = Sha256.ofFile(directory.resolve(file));
                if (!expected.equals(actual)) {
                    LOG.warn("Deleting the training state {}: {} is damaged (SHA-256 {}, but state.json records {}),"
                            + " so this run starts from step 0.", directory, directory.resolve(file),
                            abbreviate(actual), abbreviate(expected));
                    return Optional.empty();
                }
            }
            return Optional.of(fromJson(state));
        } catch (NoSuchFileException e) {
            LOG.warn("Deleting the training state {}: it has no {}, so it is incomplete.", directory, STATE_JSON);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // Malformed JSON, a missing or mistyped field, an unreadable tensor file.
            LOG.warn("Deleting the training state {}: cannot read it ({}), so this run starts from step 0.",
                    directory, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Deletes the folder, if present, and any temporary folder a killed write left beside it.
     *
     * @throws UncheckedIOException naming the path that cannot be deleted
     */
    public void delete() {
        deleteRecursively(directory);
        deleteLeftovers();
    }

    /**
     * Puts back the previous state when a write was killed between its two renames: the old folder
     * was moved aside under {@code .<name>.old-<uuid>} and the new one not yet moved in.
     */
    private void restoreMovedAside() {
        if (Files.exists(directory)) {
            return;
        }
        for (Path sibling : hiddenSiblings()) {
            String name = sibling.getFileName().toString();
            if (name.startsWith("." + directory.getFileName() + ".old-")
                    && Files.isRegularFile(sibling.resolve(STATE_JSON))) {
                try {
                    Files.move(sibling, directory, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("Restored the training state {} from {}, where an interrupted write had moved it.",
                            directory, sibling);
                    return;
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot move " + sibling + " back to " + directory + ": "
                            + e.getMessage() + "; rename it by hand to resume, or delete it to start over.", e);
                }
            }
        }
    }

    /** Deletes the hidden siblings that {@link AtomicDirectory} names {@code .<name>.<kind>-<uuid>}. */
    private void deleteLeftovers() {
        for (Path leftover : hiddenSiblings()) {
            LOG.info("Deleting {}, left by an interrupted write of the training state.", leftover);
            deleteRecursively(leftover);
        }
    }

    private List<Path> hiddenSiblings() {
        Path parent = directory.getParent();
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        String prefix = "." + directory.getFileName() + ".";
        try (Stream<Path> siblings = Files.list(parent)) {
            return siblings.filter(path -> path.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + parent + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root + ": " + e.getMessage() + "; delete it by hand.",
                    e);
        }
    }

    private static String toJson(String fingerprint, TrainingEnvironment environment, Map<String, String> digests,
            TrainingState state) {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("fingerprint", fingerprint);
        JsonObject versions = new JsonObject();
        versions.addProperty("safety_spaces", environment.project());
        versions.addProperty("djl", environment.djl());
        versions.addProperty("libtorch", environment.libtorch());
        versions.addProperty("libtorch_threads", environment.threads());
        json.add("environment", versions);
        JsonObject sums = new JsonObject();
        digests.forEach(sums::addProperty);
        json.add("sha256", sums);
        json.addProperty("step", state.step());
        json.addProperty("total_steps", state.totalSteps());

        // The data order is the only randomness of training (see TrainingState): its seed and position.
        JsonObject data = new JsonObject();
        data.addProperty("seed", state.seed());
        data.addProperty("epoch", state.epoch());
        data.addProperty("next_batch", state.nextBatch());
        json.add("data_order", data);

        // Doubles are written with Double.toString, which reads back to the same bits.
        JsonArray logs = new JsonArray();
        for (StepLog log : state.logs()) {
            JsonObject row = new JsonObject();
            row.addProperty("step", log.step());
            row.addProperty("epoch", log.epoch());
            row.addProperty("loss", log.loss());
            row.addProperty("learning_rate", log.learningRate());
            row.addProperty("grad_norm", log.gradientNorm());
            row.addProperty("tokens", log.tokens());
            logs.add(row);
        }
        json.add("logs", logs);
        return new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n";
    }

    private TrainingState fromJson(JsonObject json) {
        List<StepLog> logs = new ArrayList<>();
        for (JsonElement element : json.getAsJsonArray("logs")) {
            JsonObject row = element.getAsJsonObject();
            logs.add(new StepLog(row.get("step").getAsLong(), row.get("epoch").getAsDouble(),
                    row.get("loss").getAsDouble(), row.get("learning_rate").getAsDouble(),
                    row.get("grad_norm").getAsDouble(), row.get("tokens").getAsLong()));
        }
        JsonObject data = json.getAsJsonObject("data_order");
        TensorSource weights = null;
        TensorSource first = null;
        TensorSource second = null;
        try {
            weights = SafetensorsFile.open(directory.resolve(WEIGHTS));
            first = SafetensorsFile.open(directory.resolve(FIRST_MOMENTS));
            second = SafetensorsFile.open(directory.resolve(SECOND_MOMENTS));
            return new TrainingState(json.get("step").getAsLong(), json.get("total_steps").getAsLong(),
                    data.get("seed").getAsLong(), data.get("epoch").getAsInt(), data.get("next_batch").getAsInt(),
                    logs, weights, first, second);
        } catch (RuntimeException e) {
            for (TensorSource source : new TensorSource[] {weights, first, second}) {
                if (source != null) {
                    source.close();
                }
            }
            throw e;
        }
    }

    private static TrainingEnvironment environmentOf(JsonObject state) {
        JsonObject json = object(state, "environment");
        long threads = integer(json, "libtorch_threads");
        return new TrainingEnvironment(text(json, "safety_spaces"), text(json, "djl"), text(json, "libtorch"),
                Math.toIntExact(threads));
    }

    /** Returns a string field; a missing or mistyped one fails with its name and value. */
    private static String text(JsonObject json, String key) {
        JsonElement value = json.get(key);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("field '" + key + "' is " + value + ", not a string");
        }
        return value.getAsString();
    }

    /** Returns an integer field; a missing, mistyped or fractional one fails with its name and value. */
    private static long integer(JsonObject json, String key) {
        JsonElement value = json.get(key);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("field '" + key + "' is " + value + ", not an integer");
        }
        JsonPrimitive number = value.getAsJsonPrimitive();
        try {
            return number.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("field '" + key + "' is " + value + ", not an integer", e);
        }
    }

    /** Returns an object field; a missing or mistyped one fails with its name and value. */
    private static JsonObject object(JsonObject json, String key) {
        JsonElement value = json.get(key);
        if (value == null || !value.isJsonObject()) {
            throw new IllegalArgumentException("field '" + key + "' is " + value + ", not an object");
        }
        return value.getAsJsonObject();
    }

    private static String abbreviate(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
    }
}
