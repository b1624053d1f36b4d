package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.llama2c.Llama2cConverter;
import io.github.safetyspaces.core.model.ModelConfig;
import java.io.File;
import java.nio.file.Files;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Converts a llama2.c checkpoint and its tokenizer into a Hugging Face checkpoint directory that
 * the other goals, and transformers, load.
 */
@Mojo(name = "import-llama2c", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, requiresProject = false,
        threadSafe = true)
public class ImportLlama2cMojo extends AbstractSafetyMojo {

    /**
     * The llama2.c checkpoint ({@code .bin}, legacy format).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.checkpoint", required = true)
    private File checkpoint;

    /**
     * The llama2.c tokenizer file of the checkpoint.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.tokenizer", required = true)
    private File tokenizer;

    /**
     * The directory to create. It must not exist, or be empty.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.output", required = true)
    private File output;

    /**
     * Storage type of the weights: {@code F32} or {@code BF16}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.dtype", defaultValue = "F32")
    private String dtype;

    /**
     * Skips the conversion when the output directory already contains a {@code config.json}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.skipExisting", defaultValue = "false")
    private boolean skipExisting;

    @Override
    protected void run() {
        if (skipExisting && Files.isRegularFile(output.toPath().resolve("config.json"))) {
            getLog().info("Skipping import-llama2c: " + output + " already holds a checkpoint (safety.skipExisting).");
            return;
        }
        SafetensorsDType storage = storageType(dtype);
        ModelConfig config = Llama2cConverter.convert(checkpoint.toPath(), tokenizer.toPath(), output.toPath(), storage);
        getLog().info(String.format("Wrote %s: %d layers, hidden size %d, %d parameters, %s weights.", output,
                config.numLayers(), config.hiddenSize(), config.parameterCount(), storage));
    }

    @Override
    protected String goalName() {
        return "import-llama2c";
    }
}
