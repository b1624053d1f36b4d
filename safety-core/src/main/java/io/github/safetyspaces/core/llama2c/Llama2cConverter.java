package io.github.safetyspaces.core.llama2c;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.AtomicDirectory;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.model.ModelConfig;
import io.github.safetyspaces.core.tokenizer.Llama2cTokenizer;
import io.github.safetyspaces.core.tokenizer.TokenizerJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a llama2.c checkpoint and its tokenizer into a Hugging Face checkpoint directory
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json} and its companion files)
 * that transformers loads as {@code LlamaForCausalLM} and {@code PreTrainedTokenizerFast}.
 */
public final class Llama2cConverter {

    private static final Logger LOG = LoggerFactory.getLogger(Llama2cConverter.class);

    private Llama2cConverter() {
    }

    /**
     * Converts a checkpoint. The directory appears only when every file is written.
     *
     * @param checkpoint the llama2.c {@code .bin} checkpoint (legacy format)
     * @param tokenizer its llama2.c tokenizer file
     * @param output directory to create; must not exist or be empty
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16} for the weights
     * @return the configuration written
     */
    public static ModelConfig convert(Path checkpoint, Path tokenizer, Path output, SafetensorsDType dtype) {
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("Unsupported weight type " + dtype + ": use F32 or BF16.");
        }
        for (Path input : new Path[] {checkpoint, tokenizer}) {
            if (!Files.isRegularFile(input)) {
                throw new IllegalArgumentException("Input file not found: " + input.toAbsolutePath() + ".");
            }
        }
        Llama2cCheckpoint source = Llama2cCheckpoint.read(checkpoint);
        ModelConfig config = source.config().withTorchDtype(dtype == SafetensorsDType.BF16 ? "bfloat16" : "float32");

        try (Llama2cTokenizer vocabulary = Llama2cTokenizer.read(tokenizer, config.vocabSize())) {
            AtomicDirectory.write(output, directory -> {
                LanguageModel.writeWeights(directory, config, source.tensors(), dtype);
                TokenizerJsonWriter.writeDirectory(vocabulary, directory);
            });
        }
        LOG.info("Converted {} and {} into {} ({} weights)", checkpoint, tokenizer, output, dtype);
        return config;
    }
}
