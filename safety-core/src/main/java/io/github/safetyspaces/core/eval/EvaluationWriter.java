package io.github.safetyspaces.core.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an evaluation as two files in one directory: {@code <name>.jsonl} with one JSON object per
 * sample (prompt, completion, score fields, reference), and {@code <name>-summary.json} with the task,
 * the prompt set, the task settings, the generation settings, the template and the metrics. Each file
 * is written atomically, and the summary after the samples, so a summary always has complete samples
 * beside it.
 */
public final class EvaluationWriter {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationWriter.class);

    /** Ending of the per-sample file's name. */
    public static final String SAMPLES_SUFFIX = ".jsonl";

    /** Ending of the summary file's name. */
    public static final String SUMMARY_SUFFIX = "-summary.json";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    // Nulls stay in the records, so every sample has the same keys; HTML escaping would hide < and > in prompts.
    private static final Gson LINES = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting()
            .create();

    private EvaluationWriter() {
    }

    /**
     * The two files of a written evaluation.
     *
     * @param samples the per-sample JSON Lines file
     * @param summary the summary JSON file
     */
    public record WrittenFiles(Path samples, Path summary) {
    }

    /**
     * Writes the per-sample file and the summary, replacing earlier files of the same name.
     *
     * @param directory the output directory, created if missing
     * @param name the base name of both files: letters, digits, {@code .}, {@code _} and {@code -}, not
     *     starting with a dot or dash
     * @param evaluation the evaluation
     * @return the paths written
     * @throws IllegalArgumentException if the name is not a plain file name
     * @throws UncheckedIOException if the directory cannot be created or a file cannot be written
     */
    public static WrittenFiles write(Path directory, String name, Evaluation<?> evaluation) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(evaluation, "evaluation");
        requireName(name);
        AtomicFiles.createDirectories(directory, "evaluation output directory");

        Path samples = directory.resolve(name + SAMPLES_SUFFIX);
        Path summary = directory.resolve(name + SUMMARY_SUFFIX);
        StringBuilder lines = new StringBuilder();
        for (JsonObject record : evaluation.report().sampleRecords()) {
            lines.append(LINES.toJson(record)).append('\n');
        }
        // The summary marks the pair complete: it appears last, after the old one is gone.
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(summary, PRETTY.toJson(summaryJson(name, evaluation)) + "\n");
        files.put(samples, lines.toString());
        AtomicFiles.writeGroup(files);
        LOG.info("Wrote {} and {}", samples, summary);
        return new WrittenFiles(samples, summary);
    }

    /**
     * Builds the summary record.
     *
     * @param name the base name of the files
     * @param evaluation the evaluation
     * @return {@code name}, {@code task}, {@code samples_file}, {@code prompt_set} ({@code name},
     *     {@code source}, {@code items}), {@code task_settings}, {@code generation}, {@code template}
     *     ({@code origin}, {@code with_input}, {@code without_input}) and {@code metrics}
     */
    public static JsonObject summaryJson(String name, Evaluation<?> evaluation) {
        JsonObject json = new JsonObject();
        json.addProperty("name", name);
        json.addProperty("task", evaluation.task());
        json.addProperty("samples_file", name + SAMPLES_SUFFIX);

        JsonObject promptSet = new JsonObject();
        promptSet.addProperty("name", evaluation.promptSetName());
        promptSet.addProperty("source", evaluation.promptSource().toString());
        promptSet.addProperty("items", evaluation.promptCount());
        json.add("prompt_set", promptSet);

        json.add("task_settings", evaluation.taskSettings());
        json.add("generation", generationJson(evaluation.generation()));

        JsonObject template = new JsonObject();
        template.addProperty("origin", evaluation.templateOrigin());
        template.addProperty("with_input", evaluation.template().withInput());
        template.addProperty("without_input", evaluation.template().withoutInput());
        json.add("template", template);

        json.add("metrics", evaluation.report().metrics());
        return json;
    }

    private static JsonObject generationJson(GenerationOptions options) {
        JsonObject json = new JsonObject();
        json.addProperty("max_new_tokens", options.maxNewTokens());
        json.addProperty("temperature", options.temperature());
        json.addProperty("top_p", options.topP());
        json.addProperty("seed", options.seed());
        json.addProperty("batch_size", options.batchSize());
        JsonArray stops = new JsonArray();
        options.stopStrings().forEach(stops::add);
        json.add("stop_strings", stops);
        json.addProperty("greedy", options.isGreedy());
        return json;
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid evaluation name '" + name + "': use letters, digits, '.', '_'"
                    + " and '-', not starting with '.' or '-', because it becomes a file name.");
        }
    }
}
