package io.github.safetyspaces.core.training;

import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.data.DataMixture;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one fine-tuning run needs.
 *
 * @param model starting checkpoint: a Hugging Face directory or a llama2.c {@code .bin} file
 * @param tokenizer tokenizer file, or null for the model's own
 * @param data the training rows: one source or a mixture
 * @param template prompt template applied to every row, recorded in the output
 * @param maxLength maximum tokens per sequence (prompt, response and EOS); longer ones are truncated
 * @param training optimizer and schedule settings
 * @param output checkpoint directory to write
 * @param dtype storage type of the saved weights, F32 or BF16; training always uses float32
 * @param device where to train
 * @param force rerun even when {@code output} contains a completed run with the same inputs
 */
public record FinetuneRequest(Path model, Path tokenizer, DataMixture data, PromptTemplate template, int maxLength,
        TrainingConfig training, Path output, SafetensorsDType dtype, ComputeDevice device, boolean force) {

    /** Checks the required values. */
    public FinetuneRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(device, "device");
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("Unsupported weight type " + dtype + ": use F32 or BF16.");
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2 tokens, got " + maxLength);
        }
    }
}
