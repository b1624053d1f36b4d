package io.github.safetyspaces.maven;

import static io.github.safetyspaces.maven.FinetuneRun.or;

import io.github.safetyspaces.core.data.DataMixture;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.training.FinetuneJob;
import io.github.safetyspaces.core.training.FinetuneRequest;
import io.github.safetyspaces.core.training.LearningRateSchedule;
import io.github.safetyspaces.core.training.TrainingConfig;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Fine-tunes every weight of a model on instruction data (supervised fine-tuning with AdamW) and
 * writes a Hugging Face checkpoint with its prompt template, {@code train-log.csv} and
 * {@code training.json}. A completed run with the same inputs is kept, not repeated, and a run
 * that was interrupted resumes from its last saved training state (see {@code stateEvery}).
 *
 * <p>One data file is given by {@code safety.data}; a mixture of several is configured in the pom
 * with {@code <mixture>}. An experiment configures several runs at once with {@code <runs>} (see
 * {@link FinetuneRun}); they execute in order, each into {@code <modelsDirectory>/<id>}.
 */
@Mojo(name = "finetune", defaultPhase = LifecyclePhase.COMPILE, requiresProject = false, threadSafe = true)
public class FinetuneMojo extends AbstractSafetyMojo {

    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * The starting model: a Hugging Face checkpoint directory or a llama2.c {@code .bin} file.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.model")
    private File model;

    /**
     * The tokenizer file, when it is not the model's own.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.tokenizer")
    private File tokenizer;

    /**
     * One training data file (JSONL, JSON array or CSV). Ignored when {@code mixture} is set.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.data")
    private File data;

    /**
     * Format of {@code data}: {@code jsonl}, {@code json} or {@code csv}; by default from the extension.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.dataFormat")
    private String dataFormat;

    /**
     * Field of {@code data} that contains the instruction.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.instructionField", defaultValue = "instruction")
    private String instructionField;

    /**
     * Field of {@code data} that contains the optional input; empty for none.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.inputField", defaultValue = "input")
    private String inputField;

    /**
     * Field of {@code data} that contains the response.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.responseField", defaultValue = "output")
    private String responseField;

    /**
     * Row filters of {@code data}, comma-separated {@code field=value} pairs, for example
     * {@code is_safe=false}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.filters")
    private List<String> filters;

    /**
     * Maximum rows of {@code data}, drawn with {@code seed} when the file has more.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.limit")
    private Integer limit;

    /**
     * Several data sources mixed into one training set (pom only); see {@link DataComponent}.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<DataComponent> mixture;

    /**
     * Fine-tuning runs of an experiment, executed in order (pom only); see {@link FinetuneRun}. Each
     * setting a run leaves out takes the value of this goal's parameter of the same name. When set,
     * {@code model}, {@code data} and {@code output} of the goal itself are not used as a run.
     *
     * @since 0.1.0
     */
    @Parameter
    private List<FinetuneRun> runs;

    /**
     * Folder of the runs' checkpoints: run {@code id} writes {@code <modelsDirectory>/<id>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.modelsDirectory", defaultValue = "${project.build.directory}/safety/models")
    private File modelsDirectory;

    /**
     * Output checkpoint directory of the single run (without {@code <runs>}).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.output", defaultValue = "${project.build.directory}/safety/models/finetuned")
    private File output;

    /**
     * Prompt template: {@code default} (Alpaca-style), {@code none}, or a template text with
     * {@code {instruction}} and optionally {@code {input}} placeholders.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.template", defaultValue = "default")
    private String template;

    /**
     * Maximum tokens per training sequence; longer sequences are cut at the end and counted.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxLength", defaultValue = "512")
    private int maxLength;

    /**
     * Peak learning rate.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.learningRate", defaultValue = "1e-5")
    private double learningRate;

    /**
     * Learning-rate schedule after warm-up: {@code constant}, {@code linear} or {@code cosine}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.schedule", defaultValue = "cosine")
    private String schedule;

    /**
     * Fraction of the steps spent warming the learning rate up from 0.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.warmupRatio", defaultValue = "0.02")
    private double warmupRatio;

    /**
     * Floor of the linear or cosine decay, as a fraction of the peak learning rate.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.minLearningRateRatio", defaultValue = "0")
    private double minLearningRateRatio;

    /**
     * AdamW decay rate of the first moment.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.beta1", defaultValue = "0.9")
    private double beta1;

    /**
     * AdamW decay rate of the second moment.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.beta2", defaultValue = "0.999")
    private double beta2;

    /**
     * AdamW epsilon.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.epsilon", defaultValue = "1e-8")
    private double epsilon;

    /**
     * Decoupled weight decay.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.weightDecay", defaultValue = "0")
    private double weightDecay;

    /**
     * Sequences per micro-batch.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.batchSize", defaultValue = "8")
    private int batchSize;

    /**
     * Micro-batches per optimizer step.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.gradientAccumulation", defaultValue = "1")
    private int gradientAccumulation;

    /**
     * Passes over the data; ignored when {@code maxSteps} is positive.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.epochs", defaultValue = "1")
    private int epochs;

    /**
     * Optimizer steps to run, over as many epochs as needed; 0 uses {@code epochs}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxSteps", defaultValue = "0")
    private int maxSteps;

    /**
     * Global gradient-norm clipping threshold; 0 turns clipping off.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxGradNorm", defaultValue = "1.0")
    private double maxGradNorm;

    /**
     * Seed of the data order, the mixture draw and the row limit.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "42")
    private long seed;

    /**
     * Optimizer steps between progress log lines.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.logEvery", defaultValue = "10")
    private int logEvery;

    /**
     * Optimizer steps between saves of the training state (weights, AdamW moments, step, data
     * position, step logs) into {@code <output>.state} beside the output; 0 saves none. A run that
     * stops before it ends, started again with the same inputs, resumes from the last state and ends
     * with the same weights as a run that never stopped, on the CPU with the same libtorch thread count
     * ({@code -Dai.djl.pytorch.num_threads}). A state saved under another thread count or another
     * version of this plugin, DJL or libtorch is deleted and training starts from step 0. The state takes
     * about 3 times the model's float32 size on disk and is deleted when the run completes. A save that
     * fails, for example on a full disk, is logged as a warning and training goes on.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.stateEvery", defaultValue = "100")
    private int stateEvery;

    /**
     * Storage type of the saved weights: {@code F32} or {@code BF16}. Training uses float32 either way.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.dtype", defaultValue = "F32")
    private String dtype;

    /**
     * Device: {@code cpu}, {@code gpu} or {@code auto}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.device", defaultValue = "auto")
    private String device;

    /**
     * Train again even when the output holds a completed run with the same inputs.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.force", defaultValue = "false")
    private boolean force;

    @Override
    protected void run() {
        if (runs == null || runs.isEmpty()) {
            if (model == null) {
                throw new IllegalArgumentException("No model to fine-tune: set -Dsafety.model=PATH, or <runs> in the pom.");
            }
            FinetuneRun single = new FinetuneRun();
            single.id = output.getName();
            single.output = resolveStandalone(output).toFile();
            execute(single);
            return;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            FinetuneRun run = runs.get(i);
            if (run.id == null || !VALID_ID.matcher(run.id).matches()) {
                throw new IllegalArgumentException("Invalid <id> '" + run.id + "' of fine-tuning run " + (i + 1)
                        + ": use letters, digits, '.', '_' and '-' (it names the output folder).");
            }
            if (!ids.add(run.id)) {
                throw new IllegalArgumentException("Duplicate run <id> '" + run.id + "': each run needs its own id,"
                        + " because it names the output folder.");
            }
        }
        for (int i = 0; i < runs.size(); i++) {
            getLog().info("Fine-tuning run " + (i + 1) + " of " + runs.size() + ": " + runs.get(i).id);
            execute(runs.get(i));
        }
    }

    /** Trains one run, taking every setting it leaves out from this goal's parameters. */
    private void execute(FinetuneRun run) {
        File start = or(run.model, model);
        if (start == null) {
            throw new IllegalArgumentException("Fine-tuning run '" + run.id + "' has no <model>: set it in the run or"
                    + " in the goal's configuration.");
        }
        TrainingConfig training = new TrainingConfig(or(run.learningRate, learningRate),
                or(run.minLearningRateRatio, minLearningRateRatio),
                LearningRateSchedule.parse(or(run.schedule, schedule)), or(run.warmupRatio, warmupRatio), beta1, beta2,
                epsilon, or(run.weightDecay, weightDecay), or(run.batchSize, batchSize),
                or(run.gradientAccumulation, gradientAccumulation), or(run.epochs, epochs), or(run.maxSteps, maxSteps),
                or(run.maxGradNorm, maxGradNorm), or(run.seed, seed), logEvery, or(run.stateEvery, stateEvery));
        File tokenizerFile = or(run.tokenizer, run.model == null ? tokenizer : null);
        File target = or(run.output, resolveStandalone(modelsDirectory).resolve(run.id).toFile());
        FinetuneRequest request = new FinetuneRequest(start.toPath(), tokenizerFile == null ? null : tokenizerFile.toPath(),
                dataMixture(run, training.seed()), PromptTemplate.parse(or(run.template, template)),
                or(run.maxLength, maxLength), training, target.toPath(), storageType(or(run.dtype, dtype)),
                ComputeDevice.parse(device), force);
        FinetuneJob.Result result = FinetuneJob.run(request);
        if (!result.skipped()) {
            getLog().info("Fine-tuned checkpoint: " + result.output());
        }
    }

    private DataMixture dataMixture(FinetuneRun run, long dataSeed) {
        List<DataComponent> configured = or(run.mixture, run.data != null ? null : mixture);
        List<MixtureComponent> components = new ArrayList<>();
        if (configured != null && !configured.isEmpty()) {
            for (int i = 0; i < configured.size(); i++) {
                components.add(configured.get(i).toComponent(i));
            }
        } else if (or(run.data, data) != null) {
            DataComponent single = new DataComponent();
            single.configure(or(run.data, data), or(run.dataFormat, dataFormat),
                    or(run.instructionField, instructionField), or(run.inputField, inputField),
                    or(run.responseField, responseField), or(run.filters, filters == null ? List.of() : filters),
                    or(run.limit, limit), dataSeed);
            components.add(single.toComponent(0));
        } else {
            throw new IllegalArgumentException("No training data for run '" + run.id + "': set -Dsafety.data=FILE, or"
                    + " <data> or <mixture> in the pom.");
        }
        return new DataMixture(components, dataSeed);
    }

    @Override
    protected String goalName() {
        return "finetune";
    }
}
