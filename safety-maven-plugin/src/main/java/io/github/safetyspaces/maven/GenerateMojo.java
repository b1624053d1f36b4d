package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates a completion of one prompt and prints it, for checking a model by hand.
 *
 * <p>Example: {@code mvn io.github.safetyspaces:safety-maven-plugin:0.1.0-SNAPSHOT:generate
 * -Dsafety.model=stories260K.bin -Dsafety.tokenizer=tok512.bin -Dsafety.maxNewTokens=50}.
 */
@Mojo(name = "generate", requiresProject = false, threadSafe = true)
public class GenerateMojo extends AbstractSafetyMojo {

    /**
     * The model: a Hugging Face checkpoint directory or a llama2.c {@code .bin} file.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.model", required = true)
    private File model;

    /**
     * The tokenizer file. When not set, a Hugging Face directory uses its own {@code tokenizer.json}
     * and a llama2.c checkpoint the {@code tokenizer.bin} or {@code tok<vocab>.bin} beside it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.tokenizer")
    private File tokenizer;

    /**
     * The prompt. Empty starts from the BOS token alone.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.prompt", defaultValue = "")
    private String prompt;

    /**
     * Prompt template wrapped around the prompt: {@code none}, {@code default} (the Alpaca-style
     * template), or a template text with an {@code {instruction}} placeholder. When not set, the
     * template recorded in a fine-tuned checkpoint is used, and none for other models. An empty
     * prompt is never wrapped.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.template")
    private String template;

    /**
     * Maximum number of generated tokens.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.maxNewTokens", defaultValue = "64")
    private int maxNewTokens;

    /**
     * Sampling temperature; 0 decodes greedily.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.temperature", defaultValue = "0")
    private double temperature;

    /**
     * Nucleus sampling mass in (0, 1]; 1 samples from every token. Ignored when greedy.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.topP", defaultValue = "1.0")
    private double topP;

    /**
     * Seed of the sampler.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.seed", defaultValue = "0")
    private long seed;

    /**
     * Device: {@code cpu}, {@code gpu} or {@code auto} (a GPU when libtorch finds one).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.device", defaultValue = "auto")
    private String device;

    @Override
    protected void run() {
        // Maven passes an empty property as null.
        String promptText = prompt == null ? "" : prompt;
        GenerationOptions options = new GenerationOptions(maxNewTokens, temperature, topP, seed, List.of(), 1);
        try (LanguageModel languageModel = LanguageModel.open(model.toPath(),
                tokenizer == null ? null : tokenizer.toPath(), ComputeDevice.parse(device))) {
            PromptTemplate wrapper = template != null ? PromptTemplate.parse(template)
                    : languageModel.recordedTemplate().orElse(PromptTemplate.NONE);
            if (template == null && languageModel.recordedTemplate().isPresent()) {
                getLog().info("Using the prompt template recorded in the checkpoint (-Dsafety.template=none turns it off).");
            }
            String modelInput = promptText.isEmpty() ? "" : wrapper.render(promptText, "");
            long started = System.nanoTime();
            Completion completion = languageModel.complete(List.of(modelInput), options).get(0);
            double seconds = (System.nanoTime() - started) / 1e9;
            getLog().info(String.format("Generated %d tokens in %.2f s (%s, %s).", completion.tokenIds().length,
                    seconds, options.isGreedy() ? "greedy" : "temperature " + temperature + ", top-p " + topP,
                    "finished by " + completion.finishReason()));
            // Quoted, so that leading and trailing spaces are visible.
            getLog().info("Prompt: \"" + promptText + "\"");
            getLog().info("Completion: \"" + completion.text() + "\"");
        }
    }

    @Override
    protected String goalName() {
        return "generate";
    }
}
