package io.github.safetyspaces.maven;

import io.github.safetyspaces.core.embedded.EmbeddedDatasets;
import io.github.safetyspaces.core.embedded.EmbeddedModel;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes the inputs of the embedded default experiment: the stories260K base model with its
 * tokenizer and license (shipped in this plugin), and the generated data sets (arithmetic word
 * problems and harmful requests with refusals and compliant answers, with held-out evaluation
 * files). See docs/embedded-default.md for the files and their contents.
 */
@Mojo(name = "embedded-inputs", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, requiresProject = false,
        threadSafe = true)
public class EmbeddedInputsMojo extends AbstractSafetyMojo {

    /**
     * Folder to write: the model goes to {@code <folder>/stories260K}, the data sets to
     * {@code <folder>/data}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.inputsDirectory", defaultValue = "${project.build.directory}/safety/inputs")
    private File inputsDirectory;

    /**
     * Seed of the generated data sets; the same seed writes byte-identical files.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.dataSeed", defaultValue = "1")
    private long dataSeed;

    @Override
    protected void run() {
        Path folder = resolveStandalone(inputsDirectory);
        Path checkpoint = EmbeddedModel.write(folder.resolve("stories260K"));
        EmbeddedDatasets.write(folder.resolve("data"), dataSeed);
        getLog().info("Embedded inputs: model " + checkpoint + ", data sets in " + folder.resolve("data")
                + " (data seed " + dataSeed + ")");
    }

    @Override
    protected String goalName() {
        return "embedded-inputs";
    }
}
