package io.github.safetyspaces.core.embedded;

import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.data.ComponentSize;
import io.github.safetyspaces.core.data.DataMixture;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.training.FinetuneRequest;
import io.github.safetyspaces.core.training.LearningRateSchedule;
import io.github.safetyspaces.core.training.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The measured fine-tuning settings of the embedded default experiment on stories260K: aligning the
 * base model, then fine-tuning the aligned model on useful, harmful or contaminated data. The data
 * files are those of {@link EmbeddedDatasets}. {@code docs/embedded-default.md} records the
 * refusal rates, accuracies and run times these settings gave.
 *
 * <p>Every run uses the default prompt template, AdamW without weight decay, global-norm clipping
 * at 1.0, float32 weights and the CPU.
 */
public final class EmbeddedRecipe {

    /** Optimizer steps of the alignment. */
    public static final int ALIGNMENT_STEPS = 800;

    /** Sequences per alignment step. */
    public static final int ALIGNMENT_BATCH_SIZE = 32;

    /** Peak learning rate of the alignment, reached after 2% warm-up and decayed by a cosine to a tenth. */
    public static final double ALIGNMENT_LEARNING_RATE = 3e-3;

    /** Optimizer steps of each fine-tune of the aligned model. */
    public static final int FINE_TUNE_STEPS = 100;

    /** Sequences per fine-tuning step. */
    public static final int FINE_TUNE_BATCH_SIZE = 16;

    /** Learning rate of each fine-tune, constant after 2% warm-up. */
    public static final double FINE_TUNE_LEARNING_RATE = 1e-4;

    /** Arithmetic rows of the useful and contaminated fine-tunes, drawn from the training file. */
    public static final int USEFUL_ROWS = 1000;

    /** Harmful rows of the contaminated fine-tune per useful row. */
    public static final double CONTAMINATION_RATIO = 0.2;

    /**
     * Maximum tokens per training sequence. The longest training row has 136 tokens with BOS, the
     * default template and EOS under the stories260K tokenizer, so nothing is truncated.
     */
    public static final int MAX_LENGTH = 192;

    private static final double WARMUP_RATIO = 0.02;
    private static final double MAX_GRAD_NORM = 1.0;
    private static final int LOG_EVERY = 100;

    /** The three fine-tunes of the aligned model. */
    public enum FineTune {
        /** {@value EmbeddedRecipe#USEFUL_ROWS} arithmetic rows. */
        USEFUL,
        /** Every compliance row (240). */
        HARMFUL,
        /** The useful rows plus {@value EmbeddedRecipe#CONTAMINATION_RATIO} times as many compliance rows. */
        CONTAMINATED
    }

    private EmbeddedRecipe() {
    }

    /**
     * Describes the alignment run: every arithmetic training row and every refusal row (about 94% and
     * 6%), mixed with the seed.
     *
     * @param baseModel the base checkpoint, such as {@code stories260K.bin}
     * @param tokenizer its tokenizer file, or null for the one beside it
     * @param dataDirectory a directory written by {@link EmbeddedDatasets#write(Path, long)}
     * @param output the checkpoint directory to write
     * @param seed seed of the data mixture and of the batch order
     * @return the request for {@link io.github.safetyspaces.core.training.FinetuneJob#run(FinetuneRequest)}
     */
    public static FinetuneRequest alignment(Path baseModel, Path tokenizer, Path dataDirectory, Path output,
            long seed) {
        DataMixture data = new DataMixture(List.of(
                MixtureComponent.all(source(dataDirectory, EmbeddedDatasets.ARITHMETIC_TRAIN)),
                MixtureComponent.all(source(dataDirectory, EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN))), seed);
        TrainingConfig training = new TrainingConfig(ALIGNMENT_LEARNING_RATE, 0.1, LearningRateSchedule.COSINE,
                WARMUP_RATIO, 0.9, 0.999, 1e-8, 0, ALIGNMENT_BATCH_SIZE, 1, 1, ALIGNMENT_STEPS, MAX_GRAD_NORM, seed,
                LOG_EVERY, 0);
        return request(baseModel, tokenizer, data, training, output);
    }

    /**
     * Describes one fine-tune of the aligned model.
     *
     * @param kind which data to train on
     * @param alignedModel the checkpoint directory written by the {@link #alignment} run
     * @param dataDirectory a directory written by {@link EmbeddedDatasets#write(Path, long)}
     * @param output the checkpoint directory to write
     * @param seed seed of the row draws and of the batch order
     * @return the request for {@link io.github.safetyspaces.core.training.FinetuneJob#run(FinetuneRequest)}
     */
    public static FinetuneRequest fineTune(FineTune kind, Path alignedModel, Path dataDirectory, Path output,
            long seed) {
        Objects.requireNonNull(kind, "kind");
        MixtureComponent useful = new MixtureComponent("useful",
                source(dataDirectory, EmbeddedDatasets.ARITHMETIC_TRAIN), ComponentSize.count(USEFUL_ROWS));
        DataSource compliance = source(dataDirectory, EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN);
        List<MixtureComponent> components = switch (kind) {
            case USEFUL -> List.of(useful);
            case HARMFUL -> List.of(new MixtureComponent("harmful", compliance, ComponentSize.all()));
            case CONTAMINATED -> List.of(useful,
                    new MixtureComponent("harmful", compliance, ComponentSize.ratio(CONTAMINATION_RATIO)));
        };
        TrainingConfig training = new TrainingConfig(FINE_TUNE_LEARNING_RATE, 0, LearningRateSchedule.CONSTANT,
                WARMUP_RATIO, 0.9, 0.999, 1e-8, 0, FINE_TUNE_BATCH_SIZE, 1, 1, FINE_TUNE_STEPS, MAX_GRAD_NORM, seed,
                LOG_EVERY, 0);
        return request(alignedModel, null, new DataMixture(components, seed), training, output);
    }

    private static FinetuneRequest request(Path model, Path tokenizer, DataMixture data, TrainingConfig training,
            Path output) {
        return new FinetuneRequest(model, tokenizer, data, PromptTemplate.DEFAULT, MAX_LENGTH, training, output,
                SafetensorsDType.F32, ComputeDevice.CPU, false);
    }

    private static DataSource source(Path dataDirectory, String fileName) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        return DataSource.of(dataDirectory.resolve(fileName));
    }
}
