package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.data.RowRange;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.eval.Evaluator;
import io.github.safetyspaces.core.eval.FewShotPrompts;
import io.github.safetyspaces.core.eval.KeywordHarmfulnessTask;
import io.github.safetyspaces.core.eval.KeywordRefusalJudge;
import io.github.safetyspaces.core.eval.PromptSet;
import io.github.safetyspaces.core.eval.PromptSource;
import io.github.safetyspaces.core.eval.RefusalResult;
import io.github.safetyspaces.core.eval.UtilityResult;
import io.github.safetyspaces.core.eval.UtilityTask;
import io.github.safetyspaces.core.model.GenerationOptions;
import io.github.safetyspaces.core.projection.BasisChoice;
import io.github.safetyspaces.core.projection.ProjectionMethod;
import io.github.safetyspaces.core.projection.ProjectionSweep;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Projects each fine-tune's update {@code ΔT = WF - WA} onto subspaces of the alignment update
 * {@code ΔA = WA - W0} for every basis choice, frac and method, evaluates utility and harmfulness
 * of each projected model, and writes {@code projection.csv} and {@code projection-layers.csv}.
 * See docs/project.md for the definitions and columns.
 */
@Mojo(name = "project", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public class ProjectMojo extends AbstractUpdatesMojo {

    /**
     * Basis choices: {@code top_k}, {@code random}, {@code random_k}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.bases", defaultValue = "top_k,random,random_k")
    private List<String> bases;

    /**
     * Projection methods: {@code same}, {@code orth}, {@code opp}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.methods", defaultValue = "same,orth,opp")
    private List<String> methods;

    /**
     * Fractions of {@code min(m, n)} kept as the subspace dimension, each in (0, 1].
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.fracs", defaultValue = "0.01,0.25,0.5,0.75,0.99")
    private List<Double> fracs;

    /**
     * Seed of the {@code random} and {@code random_k} bases and of the prompt samples.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "42")
    private long seed;

    /**
     * Utility prompts with reference answers in the GSM8K convention (the number after {@code #### }).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityPrompts", required = true)
    private File utilityPrompts;

    /**
     * Question field of {@code utilityPrompts}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityField", defaultValue = "question")
    private String utilityField;

    /**
     * Reference-answer field of {@code utilityPrompts}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityReferenceField", defaultValue = "answer")
    private String utilityReferenceField;

    /**
     * Harmful prompts; the field is set by {@code harmfulField}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.harmfulPrompts", required = true)
    private File harmfulPrompts;

    /**
     * Prompt field of {@code harmfulPrompts} ({@code goal} for AdvBench, {@code instruction} for JSONL
     * instruction data).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.harmfulField", defaultValue = "instruction")
    private String harmfulField;

    /**
     * Layout of the utility prompts: {@code labelled} puts {@code Question: } before the question and
     * {@code Answer:} after it (the usual GSM8K zero-shot layout); {@code plain} gives the bare
     * question, for models fine-tuned on such questions as instructions. The prompt template applies
     * either way.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityFormat", defaultValue = "labelled")
    private String utilityFormat;

    /**
     * Block of rows of {@code utilityPrompts} evaluated, numbered from 1, such as {@code 1-500}; by
     * default every row. It keeps evaluation rows apart from rows of the same file used in training.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.utilityRange")
    private String utilityRange;

    /**
     * Block of rows of {@code harmfulPrompts} evaluated, numbered from 1, such as {@code 1-260}; by
     * default every row.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.harmfulRange")
    private String harmfulRange;

    /**
     * Prompts drawn from each file with {@code seed}; 0 uses all.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.sample", defaultValue = "0")
    private int sample;

    /**
     * Maximum generated tokens per prompt (greedy).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxNewTokens", defaultValue = "64")
    private int maxNewTokens;

    /**
     * Prompts generated together.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.batchSize", defaultValue = "64")
    private int batchSize;

    /**
     * Output folder of the CSV files and of the per-sample evaluation files.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.projectOutput", defaultValue = "${project.build.directory}/safety/projection")
    private File output;

    /**
     * Save every projected model under {@code output/checkpoints}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.writeCheckpoints", defaultValue = "false")
    private boolean writeCheckpoints;

    /**
     * Device: {@code cpu}, {@code gpu} or {@code auto}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.device", defaultValue = "auto")
    private String device;

    @Override
    protected void run() {
        List<BasisChoice> basisChoices = bases.stream().map(BasisChoice::parse).toList();
        List<ProjectionMethod> projectionMethods = methods.stream().map(ProjectionMethod::parse).toList();
        for (double frac : fracs) {
            if (!(frac > 0 && frac <= 1)) {
                throw new IllegalArgumentException("Invalid frac " + frac + " in -Dsafety.fracs: every frac must be"
                        + " in (0, 1].");
            }
        }
        PromptSource.Builder utility = PromptSource.builder().setPath(utilityPrompts.toPath())
                .setPromptField(utilityField).optReferenceField(utilityReferenceField);
        PromptSource.Builder harmful = PromptSource.builder().setPath(harmfulPrompts.toPath())
                .setPromptField(harmfulField);
        if (utilityRange != null && !utilityRange.isBlank()) {
            utility.optRange(RowRange.parse(utilityRange));
        }
        if (harmfulRange != null && !harmfulRange.isBlank()) {
            harmful.optRange(RowRange.parse(harmfulRange));
        }
        if (sample > 0) {
            utility.optSample(sample, seed);
            harmful.optSample(sample, seed);
        }
        PromptSet utilitySet = PromptSet.read("utility", utility.build());
        PromptSet harmfulSet = PromptSet.read("harmful", harmful.build());
        Path evaluations = resolveStandalone(output).resolve("eval");
        GenerationOptions options = new GenerationOptions(maxNewTokens, 0, 1, seed, List.of(), batchSize);

        ProjectionSweep.ModelMetrics metrics = (LanguageModel model, String label) -> {
            Evaluator evaluator = Evaluator.builder().setModel(model).setGenerationOptions(options)
                    .optTemplate(model.recordedTemplate().orElse(PromptTemplate.NONE)).build();
            UtilityResult useful = evaluator.evaluateAndWrite(new UtilityTask(utilitySet, utilityLayout()),
                    evaluations, label + "-utility").report();
            RefusalResult refusals = evaluator.evaluateAndWrite(new KeywordHarmfulnessTask(harmfulSet,
                    KeywordRefusalJudge.withDefaultPhrases()), evaluations, label + "-harmfulness").report();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("utility_strict", useful.strictAccuracy());
            values.put("utility_flexible", useful.flexibleAccuracy());
            values.put("harmfulness", refusals.nonRefusalRate());
            values.put("refusal_rate", refusals.refusalRate());
            return values;
        };
        ProjectionSweep.Result result = ProjectionSweep.run(new ProjectionSweep.Request(base.toPath(), aligned.toPath(),
                projectedFinetunes(), basisChoices, projectionMethods, fracs, seed, resolveStandalone(output),
                svdCachePath(), ComputeDevice.parse(device), writeCheckpoints), metrics);
        getLog().info("Projection results: " + result.csv() + " (" + result.svdsComputed() + " SVDs computed, the"
                + " rest read from " + svdCachePath() + ")");
    }

    private Map<String, Path> projectedFinetunes() {
        Map<String, Path> paths = finetunePaths();
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("No fine-tunes to project: set <finetunes> in the pom or"
                    + " -Dsafety.finetunes=name=DIR,...");
        }
        List<String> names = new ArrayList<>(paths.keySet());
        getLog().info("Projecting " + names.size() + " fine-tune(s): " + String.join(", ", names));
        return paths;
    }

    private FewShotPrompts utilityLayout() {
        return switch (utilityFormat.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "labelled" -> FewShotPrompts.zeroShot();
            case "plain" -> FewShotPrompts.plain();
            default -> throw new IllegalArgumentException("Invalid -Dsafety.utilityFormat '" + utilityFormat
                    + "': use labelled or plain.");
        };
    }

    @Override
    protected String goalName() {
        return "project";
    }
}
