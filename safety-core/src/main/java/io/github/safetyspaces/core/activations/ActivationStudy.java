package io.github.safetyspaces.core.activations;

import com.google.gson.Gson;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.eval.EvalItem;
import io.github.safetyspaces.core.eval.PromptSet;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.model.HiddenStateCapture;
import io.github.safetyspaces.core.model.LastTokenStates;
import io.github.safetyspaces.core.model.PaddingSide;
import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures whether prompt sets occupy distinct subspaces of the residual stream: for each model,
 * captures the last-token state of every prompt at the selected hidden states, compares the sets'
 * subspaces with {@link ActivationOverlap}, and writes {@code activations-<model>.csv} and, on
 * request, the states themselves as {@code activations-<model>.safetensors}.
 *
 * <p>Each file is written atomically, the states before the CSV, so a model's CSV exists only when
 * everything for that model is complete. A failure in a later model leaves earlier models' files
 * in place.
 */
public final class ActivationStudy {

    private static final Logger LOG = LoggerFactory.getLogger(ActivationStudy.class);

    /** Names that go into file names: letters, digits, dot, underscore and hyphen. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Names of prompt sets: no hyphen, which separates the two names of a pair. */
    private static final Pattern SET_NAME = Pattern.compile("[A-Za-z0-9_]+");

    private ActivationStudy() {
    }

    /**
     * The settings of a study.
     *
     * @param models checkpoints (directory or llama2.c {@code .bin}) by name, at least one; names are
     *     letters, digits, {@code .}, {@code _} and {@code -}
     * @param promptSets at least two sets with distinct names of letters, digits and {@code _}
     * @param template the prompt template around each prompt, or empty for each model's recorded
     *     template, else {@link PromptTemplate#NONE}
     * @param layers the hidden states to compare
     * @param centring centring choices, each run on the same captured states, for example
     *     {@code [false]}; at least one, no repeats
     * @param etas energy fractions η, each in (0, 1], at least one
     * @param batchSize prompts run together, at least 1
     * @param output folder of the output files, created if missing
     * @param saveStates whether to write the captured states as safetensors
     * @param device where the models run
     */
    public record Request(Map<String, Path> models, List<PromptSet> promptSets, Optional<PromptTemplate> template,
            LayerSelection layers, List<Boolean> centring, List<Double> etas, int batchSize, Path output,
            boolean saveStates, ComputeDevice device) {

        /** Checks names, counts and ranges. */
        public Request {
            models = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(models, "models")));
            promptSets = List.copyOf(promptSets);
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(layers, "layers");
            centring = List.copyOf(centring);
            etas = List.copyOf(etas);
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(device, "device");
            if (models.isEmpty()) {
                throw new IllegalArgumentException("No model to capture activations from; give at least one.");
            }
            for (String name : models.keySet()) {
                if (!MODEL_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("Invalid model name '" + name + "': it becomes part of a file"
                            + " name, so use letters, digits, '.', '_' and '-'.");
                }
            }
            if (promptSets.size() < 2) {
                throw new IllegalArgumentException("Comparing activation subspaces needs at least two prompt sets, got "
                        + promptSets.size() + "; add another set.");
            }
            Set<String> setNames = new HashSet<>();
            for (PromptSet set : promptSets) {
                if (!SET_NAME.matcher(set.name()).matches()) {
                    throw new IllegalArgumentException("Invalid prompt set name '" + set.name() + "': use letters,"
                            + " digits and '_' (a '-' separates the two names of a pair in the CSV).");
                }
                if (!setNames.add(set.name())) {
                    throw new IllegalArgumentException("The prompt set name '" + set.name() + "' is used twice; give"
                            + " each set its own name.");
                }
            }
            if (centring.isEmpty() || new HashSet<>(centring).size() != centring.size()) {
                throw new IllegalArgumentException("The centring choices " + centring + " must be false, true or"
                        + " both, each once.");
            }
            if (etas.isEmpty()) {
                throw new IllegalArgumentException("No energy fraction given; give at least one eta in (0, 1].");
            }
            for (double eta : etas) {
                if (!(eta > 0 && eta <= 1)) {
                    throw new IllegalArgumentException("Invalid energy fraction eta = " + eta + ": every eta must be"
                            + " in (0, 1], for example 0.5 for half of the energy.");
                }
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
            }
        }
    }

    /**
     * The outcome for one model.
     *
     * @param model the model's name
     * @param csv the written CSV
     * @param states the written safetensors file of the states, when requested
     * @param rows the rows of the CSV
     */
    public record ModelResult(String model, Path csv, Optional<Path> states, List<OverlapRow> rows) {
    }

    /**
     * Returns the CSV file name of a model.
     *
     * @param model the model's name
     * @return {@code activations-<model>.csv}
     */
    public static String csvName(String model) {
        return "activations-" + model + ".csv";
    }

    /**
     * Returns the safetensors file name of a model's states.
     *
     * @param model the model's name
     * @return {@code activations-<model>.safetensors}
     */
    public static String statesName(String model) {
        return "activations-" + model + ".safetensors";
    }

    /**
     * Returns the name of one set's states at one hidden state in the safetensors file.
     *
     * @param set the set's name
     * @param layer the hidden-state index
     * @return for example {@code useful.hidden_states.21}
     */
    public static String tensorName(String set, int layer) {
        return set + ".hidden_states." + layer;
    }

    /**
     * Runs the study model by model, loading one model at a time.
     *
     * @param request the settings
     * @return one result per model, in the order of {@link Request#models()}
     */
    public static List<ModelResult> run(Request request) {
        AtomicFiles.createDirectories(request.output(), "output folder");
        List<ModelResult> results = new ArrayList<>();
        int done = 0;
        for (Map.Entry<String, Path> model : request.models().entrySet()) {
            LOG.info("Model {}/{}: {} ({})", ++done, request.models().size(), model.getKey(), model.getValue());
            results.add(runModel(model.getKey(), model.getValue(), request));
        }
        return results;
    }

    private static ModelResult runModel(String name, Path checkpoint, Request request) {
        long started = System.nanoTime();
        Map<String, LastTokenStates> captured = new LinkedHashMap<>();
        List<Integer> layers;
        PromptTemplate template;
        String templateOrigin;
        try (LanguageModel model = LanguageModel.open(checkpoint, null, request.device())) {
            layers = request.layers().resolve(model.config().numLayers());
            template = request.template().orElse(model.recordedTemplate().orElse(PromptTemplate.NONE));
            templateOrigin = request.template().isPresent() ? "given explicitly"
                    : model.recordedTemplate().isPresent() ? "recorded in the checkpoint"
                    : "none (no recorded template)";
            LOG.info("Hidden states {} of {} ({} of {} layers), prompt template {}", layers, name,
                    request.layers().describe(), model.config().numLayers(), templateOrigin);

            // Capture: every set through the same model, left-padded as for generation.
            HiddenStateCapture capture = new HiddenStateCapture(model.decoder(), request.batchSize(), PaddingSide.LEFT);
            for (PromptSet set : request.promptSets()) {
                long setStarted = System.nanoTime();
                List<int[]> prompts = new ArrayList<>(set.size());
                for (EvalItem item : set.items()) {
                    prompts.add(model.encodePrompt(template.render(item.prompt(), "")));
                }
                captured.put(set.name(), capture.capture(prompts, layers));
                double seconds = (System.nanoTime() - setStarted) / 1e9;
                LOG.info("Captured set '{}' of {}: {} prompts in {} s ({} prompts/s)", set.name(), name, set.size(),
                        String.format(Locale.ROOT, "%.1f", seconds), Math.round(set.size() / seconds));
            }
        }

        // Overlap: per hidden state, every pair of sets, centring choice and eta.
        List<OverlapRow> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            long layerStarted = System.nanoTime();
            int layer = layers.get(i);
            Map<String, FloatMatrix> states = new LinkedHashMap<>();
            captured.forEach((set, values) -> states.put(set, values.states(layer)));
            rows.addAll(ActivationOverlap.compare(name, layer, states, request.centring(), request.etas()));
            LOG.info("Compared the subspaces of {} at hidden state {} ({}/{}) in {} ms", name, layer, i + 1,
                    layers.size(), (System.nanoTime() - layerStarted) / 1_000_000);
        }

        // Outputs: the states first, so that the CSV marks a complete model.
        Path csv = request.output().resolve(csvName(name));
        Optional<Path> statesFile = Optional.empty();
        if (request.saveStates()) {
            // A CSV of an earlier run must not stay beside this run's states if writing the new CSV fails.
            try {
                Files.deleteIfExists(csv);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the earlier " + csv + ": " + e.getMessage(), e);
            }
            statesFile = Optional.of(writeStates(name, checkpoint, template, templateOrigin, request, captured,
                    layers));
        }
        OverlapCsv.write(csv, rows);
        LOG.info("Wrote {} ({} rows) in {} s", csv, rows.size(), Math.round((System.nanoTime() - started) / 1e9));
        return new ModelResult(name, csv, statesFile, rows);
    }

    private static Path writeStates(String name, Path checkpoint, PromptTemplate template, String templateOrigin,
            Request request, Map<String, LastTokenStates> captured, List<Integer> layers) {
        Map<String, FloatTensor> tensors = new TreeMap<>();
        for (Map.Entry<String, LastTokenStates> set : captured.entrySet()) {
            for (int layer : layers) {
                FloatMatrix matrix = set.getValue().states(layer);
                tensors.put(tensorName(set.getKey(), layer),
                        new FloatTensor(new long[] {matrix.rows(), matrix.columns()}, matrix.data()));
            }
        }
        Gson gson = new Gson();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", checkpoint.toString());
        metadata.put("prompt_template", template.toJson());
        metadata.put("prompt_template_origin", templateOrigin);
        metadata.put("position", "last real token of each prompt; the last layer's entry after the final norm");
        for (PromptSet set : request.promptSets()) {
            metadata.put(set.name() + ".source", set.source().toString());
            metadata.put(set.name() + ".ids", gson.toJson(set.items().stream().map(EvalItem::id).toList()));
        }
        Path file = request.output().resolve(statesName(name));
        SafetensorsWriter.write(file, tensors, SafetensorsDType.F32, metadata);
        LOG.info("Wrote the states of {} to {} ({} tensors)", name, file, tensors.size());
        return file;
    }
}
