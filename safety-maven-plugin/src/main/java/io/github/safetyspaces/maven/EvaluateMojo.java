package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.eval.Evaluation;
import io.github.safetyspaces.core.eval.EvaluationTask;
import io.github.safetyspaces.core.eval.Evaluator;
import io.github.safetyspaces.core.eval.FewShotPrompts;
import io.github.safetyspaces.core.eval.KeywordHarmfulnessTask;
import io.github.safetyspaces.core.eval.KeywordRefusalJudge;
import io.github.safetyspaces.core.eval.OverRefusalTask;
import io.github.safetyspaces.core.eval.PromptSet;
import io.github.safetyspaces.core.eval.PromptSource;
import io.github.safetyspaces.core.eval.RubricHarmfulnessTask;
import io.github.safetyspaces.core.eval.RubricJudge;
import io.github.safetyspaces.core.eval.RubricJudgeConfig;
import io.github.safetyspaces.core.eval.UtilityTask;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Evaluates one model on one task and writes per-sample JSONL and a summary JSON. The tasks are
 * utility (exact match of GSM8K-style numeric answers), harmfulness by a keyword refusal judge or an
 * LLM rubric judge, and over-refusal on safe prompts that look unsafe (XSTest).
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.TEST, requiresProject = false, threadSafe = true)
public class EvaluateMojo extends AbstractSafetyMojo {

    /**
     * The model: a Hugging Face checkpoint directory or a llama2.c {@code .bin} file.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.model", required = true)
    private File model;

    /**
     * The tokenizer file, when it is not the model's own.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.tokenizer")
    private File tokenizer;

    /**
     * The task: {@code utility}, {@code harmfulness} (keyword judge), {@code rubric} (LLM judge) or
     * {@code over-refusal}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.task", required = true)
    private String task;

    /**
     * The prompt file (JSONL, JSON array or CSV).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.prompts", required = true)
    private File prompts;

    /**
     * Field layout of the prompt file: {@code gsm8k}, {@code advbench}, {@code xstest},
     * {@code refusal} (the refusal-direction splits), or {@code custom} to use {@code promptField}
     * and {@code referenceField}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.promptLayout", defaultValue = "custom")
    private String promptLayout;

    /**
     * Field with the prompt, for the {@code custom} layout.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.promptField", defaultValue = "prompt")
    private String promptField;

    /**
     * Field with the reference answer (after {@code #### }) for utility, {@code custom} layout.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.referenceField")
    private String referenceField;

    /**
     * Prompts evaluated, drawn with {@code seed}; 0 evaluates every row.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.sample", defaultValue = "0")
    private int sample;

    /**
     * Seed of the prompt sample and of the k-shot examples.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "42")
    private long seed;

    /**
     * Worked examples put before each utility question (k-shot), drawn from {@code shotPrompts}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.shots", defaultValue = "0")
    private int shots;

    /**
     * Training file the k-shot examples are drawn from, in the layout of {@code prompts}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.shotPrompts")
    private File shotPrompts;

    /**
     * Prompt template: {@code none}, {@code default}, or a template text. When not set, the
     * checkpoint's recorded template, else {@code none}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.template")
    private String template;

    /**
     * Maximum generated tokens per prompt.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxNewTokens", defaultValue = "256")
    private int maxNewTokens;

    /**
     * Prompts generated together.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.batchSize", defaultValue = "32")
    private int batchSize;

    /**
     * Phrases added to the keyword judge's default refusal phrases.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.refusalPhrases")
    private List<String> refusalPhrases;

    /**
     * Base URL of an OpenAI-compatible chat-completions endpoint, for the {@code rubric} task.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.judgeUrl")
    private String judgeUrl;

    /**
     * Model name sent to the judge endpoint.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.judgeModel")
    private String judgeModel;

    /**
     * Name of the environment variable that contains the judge's API key; the key itself is never
     * logged or written.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.judgeApiKeyVariable")
    private String judgeApiKeyVariable;

    /**
     * Judge requests in flight at once.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.judgeConcurrency", defaultValue = "4")
    private int judgeConcurrency;

    /**
     * Device: {@code cpu}, {@code gpu} or {@code auto}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.device", defaultValue = "auto")
    private String device;

    /**
     * Folder of the output files {@code NAME.jsonl} and {@code NAME-summary.json}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.evalOutput", defaultValue = "${project.build.directory}/safety/eval")
    private File output;

    /**
     * Base name of the output files; by default the task.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.name")
    private String name;

    @Override
    protected void run() {
        String taskName = task.trim().toLowerCase(Locale.ROOT);
        PromptSet promptSet = PromptSet.read(prompts.getName(), promptSource(prompts.toPath()));
        try (LanguageModel languageModel = LanguageModel.open(model.toPath(),
                tokenizer == null ? null : tokenizer.toPath(), ComputeDevice.parse(device))) {
            PromptTemplate wrapper = template != null ? PromptTemplate.parse(template)
                    : languageModel.recordedTemplate().orElse(PromptTemplate.NONE);
            List<String> stops = taskName.equals("utility") && shots > 0 ? FewShotPrompts.STOP_STRINGS : List.of();
            GenerationOptions options = new GenerationOptions(maxNewTokens, 0, 1, seed, stops, batchSize);
            Evaluator evaluator = Evaluator.builder().setModel(languageModel).setGenerationOptions(options)
                    .optTemplate(wrapper).build();
            Evaluation<?> evaluation = evaluator.evaluateAndWrite(task(taskName, promptSet), resolveStandalone(output),
                    name != null ? name : taskName);
            getLog().info(taskName + " of " + model + " on " + promptSet.size() + " prompts: "
                    + evaluation.report().describeMetrics());
            getLog().info("Per-sample results and summary: " + resolveStandalone(output).resolve(
                    (name != null ? name : taskName) + ".jsonl"));
        }
    }

    private EvaluationTask<?> task(String taskName, PromptSet promptSet) {
        KeywordRefusalJudge judge = refusalPhrases == null || refusalPhrases.isEmpty()
                ? KeywordRefusalJudge.withDefaultPhrases()
                : KeywordRefusalJudge.withDefaultPhrases().extendedWith(refusalPhrases);
        return switch (taskName) {
            case "utility" -> new UtilityTask(promptSet, shots == 0 ? FewShotPrompts.zeroShot()
                    : FewShotPrompts.draw(PromptSet.read("shots", promptSource(requireShotPrompts())), shots, seed));
            case "harmfulness" -> new KeywordHarmfulnessTask(promptSet, judge);
            case "over-refusal" -> new OverRefusalTask(promptSet, judge);
            case "rubric" -> new RubricHarmfulnessTask(promptSet, RubricJudge.create(judgeConfig()));
            default -> throw new IllegalArgumentException("Invalid -Dsafety.task '" + task
                    + "': use utility, harmfulness, rubric or over-refusal.");
        };
    }

    private Path requireShotPrompts() {
        if (shotPrompts == null) {
            throw new IllegalArgumentException("-Dsafety.shots=" + shots + " needs -Dsafety.shotPrompts=FILE, the"
                    + " training file the examples are drawn from.");
        }
        return shotPrompts.toPath();
    }

    private RubricJudgeConfig judgeConfig() {
        if (judgeUrl == null || judgeModel == null) {
            throw new IllegalArgumentException("The rubric task needs -Dsafety.judgeUrl and -Dsafety.judgeModel.");
        }
        RubricJudgeConfig.Builder builder = RubricJudgeConfig.builder().setBaseUrl(judgeUrl).setModel(judgeModel)
                .optMaxConcurrency(judgeConcurrency);
        if (judgeApiKeyVariable != null) {
            builder.optApiKeyVariable(judgeApiKeyVariable);
        }
        return builder.build();
    }

    private PromptSource promptSource(Path file) {
        PromptSource.Builder builder = switch (promptLayout.trim().toLowerCase(Locale.ROOT)) {
            case "gsm8k" -> PromptSource.forGsm8k(file);
            case "advbench" -> PromptSource.forAdvBench(file);
            case "xstest" -> PromptSource.forXsTest(file);
            case "refusal" -> PromptSource.forRefusalSplit(file);
            case "custom" -> {
                PromptSource.Builder custom = PromptSource.builder().setPath(file).setPromptField(promptField);
                if (referenceField != null) {
                    custom.optReferenceField(referenceField);
                }
                yield custom;
            }
            default -> throw new IllegalArgumentException("Invalid -Dsafety.promptLayout '" + promptLayout
                    + "': use gsm8k, advbench, xstest, refusal or custom.");
        };
        if (promptLayout.trim().equalsIgnoreCase("xstest") && task.trim().equalsIgnoreCase("over-refusal")) {
            builder.addFilter("label=safe"); // over-refusal is measured on the safe prompts only
        }
        if (sample > 0) {
            builder.optSample(sample, seed);
        }
        return builder.build();
    }

    @Override
    protected String goalName() {
        return "evaluate";
    }
}
