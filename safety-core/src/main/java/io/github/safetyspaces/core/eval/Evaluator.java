package io.github.safetyspaces.core.eval;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs evaluation tasks on a model: renders each item's instruction with a prompt template, generates
 * completions, and has the task score them.
 *
 * <p>The template is the one the model was fine-tuned with, as its checkpoint records it, unless one
 * is set. A model that records none (a base model, or a checkpoint made elsewhere) needs the template
 * set explicitly, because guessing one would score the model on prompts it was not trained for.
 */
public final class Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    /** Template origin in summaries: the template recorded in the model's checkpoint. */
    public static final String TEMPLATE_RECORDED = "recorded";

    /** Template origin in summaries: a template set on the builder. */
    public static final String TEMPLATE_EXPLICIT = "explicit";

    /**
     * Generates completions of text prompts; {@code LanguageModel::complete} is one. Tests pass a stub,
     * so that tasks can be checked without a model.
     */
    @FunctionalInterface
    public interface TextCompleter {

        /**
         * Generates one completion per prompt.
         *
         * @param prompts the prompts
         * @param options decoding settings
         * @return the completions, in prompt order
         */
        List<Completion> complete(List<String> prompts, GenerationOptions options);
    }

    private final TextCompleter completer;
    private final GenerationOptions options;
    private final PromptTemplate template;
    private final String templateOrigin;

    private Evaluator(TextCompleter completer, GenerationOptions options, PromptTemplate template,
            String templateOrigin) {
        this.completer = completer;
        this.options = options;
        this.template = template;
        this.templateOrigin = templateOrigin;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the prompt template in use. */
    public PromptTemplate template() {
        return template;
    }

    /** Returns the decoding settings. */
    public GenerationOptions generationOptions() {
        return options;
    }

    /**
     * Generates and scores a task.
     *
     * <p>All prompts go to the model in one call, which splits them into batches of
     * {@link GenerationOptions#batchSize()} and logs progress. One call also keeps the sampler's
     * per-prompt random streams distinct, since the generator seeds them by the prompt's position
     * in the call.
     *
     * @param task the task
     * @param <R> the type of the scored result
     * @return the result with the settings that produced it
     * @throws IllegalArgumentException if the template cannot render an instruction
     * @throws IllegalStateException if the model returns a wrong number of completions or one without text
     */
    public <R extends EvaluationReport> Evaluation<R> evaluate(EvaluationTask<R> task) {
        Objects.requireNonNull(task, "task");
        PromptSet prompts = task.prompts();
        List<EvalItem> items = prompts.items();
        List<String> rendered = new ArrayList<>(items.size());
        for (EvalItem item : items) {
            rendered.add(template.render(task.instruction(item), ""));
        }

        LOG.info("Evaluating {} on {} prompts of '{}': at most {} new tokens, temperature {}, top-p {}, batch size {}",
                task.kind(), items.size(), prompts.name(), options.maxNewTokens(), options.temperature(),
                options.topP(), options.batchSize());
        long started = System.nanoTime();
        List<Completion> completions = completer.complete(rendered, options);
        if (completions.size() != items.size()) {
            throw new IllegalStateException("The model returned " + completions.size() + " completions for "
                    + items.size() + " prompts of '" + prompts.name() + "'.");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("Generated {} completions in {} s ({} prompts/s)", items.size(),
                String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.2f", items.size() / seconds));

        List<GeneratedSample> samples = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Completion completion = completions.get(i);
            if (completion.text() == null) {
                throw new IllegalStateException("The completion of item " + items.get(i).id() + " has no text; the"
                        + " model must decode its output.");
            }
            samples.add(new GeneratedSample(items.get(i), rendered.get(i), completion.text(),
                    completion.finishReason()));
        }

        R report = task.score(samples);
        LOG.info("{} on '{}': {}", task.kind(), prompts.name(), report.describeMetrics());
        return new Evaluation<>(task.kind(), prompts.name(), prompts.source(), items.size(), task.settingsJson(),
                options, template, templateOrigin, report);
    }

    /**
     * Generates and scores a task, then writes {@code <name>.jsonl} and {@code <name>-summary.json}
     * with {@link EvaluationWriter}.
     *
     * @param task the task
     * @param directory the output directory, created if missing
     * @param name the base name of the files
     * @param <R> the type of the scored result
     * @return the result with the settings that produced it
     */
    public <R extends EvaluationReport> Evaluation<R> evaluateAndWrite(EvaluationTask<R> task, Path directory,
            String name) {
        Evaluation<R> evaluation = evaluate(task);
        EvaluationWriter.write(directory, name, evaluation);
        return evaluation;
    }

    /**
     * Builder of {@link Evaluator}: {@code set*} for the model (or completer) and the generation
     * settings, {@code opt*} for the template.
     */
    public static final class Builder {

        private TextCompleter completer;
        private PromptTemplate recordedTemplate;
        private boolean modelSet;
        private GenerationOptions options;
        private PromptTemplate template;

        private Builder() {
        }

        /**
         * Sets the model to evaluate, whose recorded template becomes the default.
         *
         * @param model the model; the caller keeps it open during evaluation and closes it after
         * @return this builder
         */
        public Builder setModel(LanguageModel model) {
            Objects.requireNonNull(model, "model");
            this.completer = model::complete;
            this.recordedTemplate = model.recordedTemplate().orElse(null);
            this.modelSet = true;
            return this;
        }

        /**
         * Sets the text generator in place of a model, for example a stub in tests; a template must then
         * be set with {@link #optTemplate(PromptTemplate)}.
         *
         * @param textCompleter the generator
         * @return this builder
         */
        public Builder setCompleter(TextCompleter textCompleter) {
            this.completer = Objects.requireNonNull(textCompleter, "textCompleter");
            this.recordedTemplate = null;
            this.modelSet = false;
            return this;
        }

        /**
         * Sets the decoding settings, which the summary records.
         *
         * @param generationOptions the settings, usually greedy
         * @return this builder
         */
        public Builder setGenerationOptions(GenerationOptions generationOptions) {
            this.options = Objects.requireNonNull(generationOptions, "generationOptions");
            return this;
        }

        /**
         * Sets the prompt template, in place of the model's recorded one.
         *
         * @param promptTemplate the template, such as {@link PromptTemplate#NONE} for a base model
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate promptTemplate) {
            this.template = Objects.requireNonNull(promptTemplate, "promptTemplate");
            return this;
        }

        /**
         * Builds the evaluator.
         *
         * @return the evaluator
         * @throws IllegalArgumentException if the model or generation settings are missing, or no template
         *     is set and the model records none
         */
        public Evaluator build() {
            if (completer == null) {
                throw new IllegalArgumentException("An evaluator needs a model; call setModel.");
            }
            if (options == null) {
                throw new IllegalArgumentException("An evaluator needs generation settings; call setGenerationOptions,"
                        + " for example with GenerationOptions.greedy(256).");
            }
            if (template != null) {
                return new Evaluator(completer, options, template, TEMPLATE_EXPLICIT);
            }
            if (recordedTemplate != null) {
                return new Evaluator(completer, options, recordedTemplate, TEMPLATE_RECORDED);
            }
            throw new IllegalArgumentException((modelSet ? "The model records no prompt template (no "
                    + PromptTemplate.FILE_NAME + " in its checkpoint)" : "A completer has no recorded prompt template")
                    + "; call optTemplate with the template it was fine-tuned with, or PromptTemplate.NONE for a base"
                    + " model.");
        }
    }
}
