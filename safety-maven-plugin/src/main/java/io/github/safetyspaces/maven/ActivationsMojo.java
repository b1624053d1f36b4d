package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.activations.ActivationStudy;
import io.github.safetyspaces.core.activations.LayerSelection;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.eval.PromptSet;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Captures the residual-stream state at the last real token of every prompt of two or more prompt
 * sets, for each model, and measures how much the sets' activation subspaces overlap at each
 * selected hidden state: {@code activations-<model>.csv} per model, and on request the states as
 * safetensors. See docs/activations.md for the definitions and columns.
 *
 * <p>The models and the default pair of prompt sets use the parameter names of the {@code project}
 * goal, so one plugin-level configuration serves both goals.
 */
@Mojo(name = "activations", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public class ActivationsMojo extends AbstractSafetyMojo {

    /** Model name of {@code base} in the outputs. */
    static final String BASE_NAME = "base";

    /** Model name of {@code aligned} in the outputs. */
    static final String ALIGNED_NAME = "aligned";

    /**
     * The pretrained checkpoint (directory or llama2.c {@code .bin}), named {@code base} in the outputs.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.base")
    private File base;

    /**
     * The aligned checkpoint, named {@code aligned} in the outputs.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.aligned")
    private File aligned;

    /**
     * Fine-tuned checkpoints by name, in the pom as {@code <finetunes><useful>DIR</useful></finetunes>}.
     *
     * @since 0.1.0
     */
    @Parameter
    private Map<String, File> finetunes;

    /**
     * Command-line form of {@code finetunes}: {@code useful=DIR,harmful=DIR}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.finetunes")
    private String finetuneList;

    /**
     * Names of the models to capture, from {@code base}, {@code aligned} and the fine-tunes' names;
     * empty captures all of them.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.activationModels")
    private List<String> models;

    /**
     * Named prompt sets, at least two; they replace the default pair of {@code utilityPrompts} and
     * {@code harmfulPrompts}.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<PromptSetFile> promptSets;

    /**
     * Command-line form of {@code promptSets}: comma-separated {@code name:field=FILE} entries, for
     * example {@code useful:question=gsm8k.jsonl,harmful:goal=advbench.csv}; without {@code :field}
     * the field is {@code instruction}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.promptSets")
    private String promptSetList;

    /**
     * Prompts of the default set {@code useful}, used when no {@code promptSets} are given.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityPrompts")
    private File utilityPrompts;

    /**
     * Prompt field of {@code utilityPrompts}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityField", defaultValue = "question")
    private String utilityField;

    /**
     * Prompts of the default set {@code harmful}, used when no {@code promptSets} are given.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.harmfulPrompts")
    private File harmfulPrompts;

    /**
     * Prompt field of {@code harmfulPrompts} ({@code goal} for AdvBench).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.harmfulField", defaultValue = "instruction")
    private String harmfulField;

    /**
     * Prompts drawn from each file with {@code seed}; 0 uses all. A set's own {@code <sample>} overrides it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.sample", defaultValue = "0")
    private int sample;

    /**
     * Seed of the prompt samples.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "42")
    private long seed;

    /**
     * Prompt template around each prompt: {@code none}, {@code default}, or a template text with an
     * {@code {instruction}} placeholder. When not set, each checkpoint's recorded template, else
     * {@code none}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.template")
    private String template;

    /**
     * Lower end of the layer band, as a fraction of depth in [0, 1]: hidden state {@code i} of a model
     * with L layers has depth {@code i / L}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.layerBandStart", defaultValue = "0.65")
    private double layerBandStart;

    /**
     * Upper end of the layer band, as a fraction of depth in [{@code layerBandStart}, 1].
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.layerBandEnd", defaultValue = "0.90")
    private double layerBandEnd;

    /**
     * Hidden-state indices to compare in place of the band: comma-separated, such as {@code 4,8,12}, or
     * {@code all}. Index 0 is the embedding output and {@code i} the output of decoder layer {@code i - 1}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.layers")
    private String layers;

    /**
     * Centring choices: {@code false} compares the raw states, {@code true} subtracts each set's mean
     * state first; {@code false,true} writes both.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.centre", defaultValue = "false")
    private List<Boolean> centre;

    /**
     * Energy fractions η, each in (0, 1]: k(η) is the number of singular directions that carry that
     * fraction of a set's energy.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.etas", defaultValue = "0.01,0.05,0.1,0.2,0.3,0.4,0.5,0.6")
    private List<Double> etas;

    /**
     * Prompts run through the model together.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.batchSize", defaultValue = "32")
    private int batchSize;

    /**
     * Also write the captured states as {@code activations-<model>.safetensors}: one float32 tensor
     * {@code (N, D)} per set and hidden state.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.saveActivations", defaultValue = "false")
    private boolean saveActivations;

    /**
     * Output folder.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.activationsOutput", defaultValue = "${project.build.directory}/safety/activations")
    private File activationsOutput;

    /**
     * Device: {@code cpu}, {@code gpu} or {@code auto}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.device", defaultValue = "auto")
    private String device;

    @Override
    protected void run() {
        Map<String, Path> checkpoints = selectedModels();
        List<PromptSet> sets = readPromptSets();
        LayerSelection selection = layers != null && !layers.isBlank() ? LayerSelection.parse(layers)
                : LayerSelection.band(layerBandStart, layerBandEnd);
        Optional<PromptTemplate> wrapper = template == null ? Optional.empty()
                : Optional.of(PromptTemplate.parse(template));
        getLog().info("Capturing " + sets.size() + " prompt sets on " + checkpoints.size() + " model(s) ("
                + String.join(", ", checkpoints.keySet()) + "), " + selection.describe() + ", centring " + centre
                + ", etas " + etas);

        List<ActivationStudy.ModelResult> results = ActivationStudy.run(new ActivationStudy.Request(checkpoints, sets,
                wrapper, selection, centre, etas, batchSize, resolveStandalone(activationsOutput), saveActivations,
                ComputeDevice.parse(device)));
        for (ActivationStudy.ModelResult result : results) {
            getLog().info("Activation overlaps of " + result.model() + ": " + result.csv()
                    + result.states().map(file -> ", states: " + file).orElse(""));
        }
    }

    /** Returns base, aligned and the fine-tunes by name, limited to {@code models} when it is set. */
    private Map<String, Path> selectedModels() {
        Map<String, Path> available = new LinkedHashMap<>();
        if (base != null) {
            available.put(BASE_NAME, base.toPath());
        }
        if (aligned != null) {
            available.put(ALIGNED_NAME, aligned.toPath());
        }
        FinetuneInputs.resolve(finetunes, finetuneList).forEach((name, path) -> {
            if (available.containsKey(name)) {
                throw new IllegalArgumentException("The fine-tune name '" + name + "' is also the name of the "
                        + name + " model; rename the fine-tune.");
            }
            available.put(name, path);
        });
        if (available.isEmpty()) {
            throw new IllegalArgumentException("No model to capture: set -Dsafety.base, -Dsafety.aligned,"
                    + " -Dsafety.finetunes=name=DIR,... or <finetunes> in the pom.");
        }
        if (models == null || models.isEmpty()) {
            return available;
        }

        Map<String, Path> selected = new LinkedHashMap<>();
        for (String name : models) {
            String trimmed = name.trim();
            Path path = available.get(trimmed);
            if (path == null) {
                throw new IllegalArgumentException("Unknown model '" + trimmed + "' in -Dsafety.activationModels; the"
                        + " configured models are " + available.keySet() + ".");
            }
            selected.put(trimmed, path);
        }
        return selected;
    }

    /** Reads the configured prompt sets, or the default pair {@code useful} and {@code harmful}. */
    private List<PromptSet> readPromptSets() {
        List<PromptSetFile> entries = new ArrayList<>();
        if (promptSets != null && !promptSets.isEmpty()) {
            entries.addAll(promptSets);
        } else if (promptSetList != null && !promptSetList.isBlank()) {
            entries.addAll(parsePromptSetList(promptSetList));
        } else {
            if (utilityPrompts == null || harmfulPrompts == null) {
                throw new IllegalArgumentException("No prompt sets: set -Dsafety.utilityPrompts and"
                        + " -Dsafety.harmfulPrompts, -Dsafety.promptSets=name:field=FILE,..., or <promptSets> in"
                        + " the pom.");
            }
            entries.add(new PromptSetFile("useful", utilityPrompts, utilityField));
            entries.add(new PromptSetFile("harmful", harmfulPrompts, harmfulField));
        }

        List<PromptSet> sets = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            PromptSetFile entry = entries.get(i);
            sets.add(PromptSet.read(entry.name(), entry.toSource(i, sample, seed)));
        }
        return sets;
    }

    /**
     * Parses the command-line list of prompt sets.
     *
     * @param text comma-separated {@code name[:field]=FILE} entries
     * @return the entries, in order
     */
    static List<PromptSetFile> parsePromptSetList(String text) {
        List<PromptSetFile> entries = new ArrayList<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("Invalid entry '" + entry.trim() + "' in -Dsafety.promptSets: use"
                        + " name:field=FILE entries separated by commas, for example useful:question=gsm8k.jsonl.");
            }
            String[] nameAndField = parts[0].trim().split(":", 2);
            String field = nameAndField.length == 2 ? nameAndField[1].trim() : PromptSetFile.DEFAULT_FIELD;
            entries.add(new PromptSetFile(nameAndField[0].trim(), new File(parts[1].trim()), field));
        }
        return entries;
    }

    @Override
    protected String goalName() {
        return "activations";
    }
}
