package io.github.safetyspaces.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Base of the goals that analyse weight updates between checkpoints: the inputs they share, declared
 * once, so that one plugin-level {@code <configuration>} serves every such goal and all of them use
 * one SVD cache.
 */
public abstract class AbstractUpdatesMojo extends AbstractSafetyMojo {

    /**
     * W0: the pretrained checkpoint (directory or llama2.c {@code .bin}).
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.base", required = true)
    protected File base;

    /**
     * WA: the aligned checkpoint directory. The {@code project} goal also uses its tokenizer and recorded
     * prompt template.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.aligned", required = true)
    protected File aligned;

    /**
     * Fine-tunes of WA by name, in the pom as {@code <finetunes><useful>DIR</useful></finetunes>}, or on
     * the command line as comma-separated {@code name=DIR} pairs.
     *
     * @since 0.1.0
     */
    @Parameter
    protected Map<String, File> finetunes;

    /**
     * Command-line form of {@code finetunes}: {@code useful=DIR,harmful=DIR}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.finetunes")
    protected String finetuneList;

    /**
     * Folder of the SVD cache, shared by every goal and run over the same checkpoints.
     *
     * @since 0.1.0
     */
    @Parameter(property = "safety.svdCache", defaultValue = "${project.build.directory}/safety/svd-cache")
    protected File svdCache;

    /** Returns the fine-tunes by name from {@code finetunes} or {@code safety.finetunes}; may be empty. */
    protected Map<String, Path> finetunePaths() {
        return FinetuneInputs.resolve(finetunes, finetuneList);
    }

    /** Returns the SVD cache folder, resolved when the goal runs without a pom. */
    protected Path svdCachePath() {
        return resolveStandalone(svdCache);
    }
}
