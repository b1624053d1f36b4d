package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One kind of evaluation: which prompts to generate from and how to score the completions.
 * {@link Evaluator} renders {@link #instruction(EvalItem)} of each item with a prompt template,
 * generates, and passes the samples to {@link #score(List)}.
 *
 * @param <R> the type of the scored result
 */
public interface EvaluationTask<R extends EvaluationReport> {

    /**
     * Returns the task's name in summaries.
     *
     * @return for example {@code utility} or {@code keyword_harmfulness}
     */
    String kind();

    /**
     * Returns the prompts to evaluate.
     *
     * @return the prompt set
     */
    PromptSet prompts();

    /**
     * Returns the text that goes into the template's {@code {instruction}} placeholder for one item.
     *
     * @param item an item of {@link #prompts()}
     * @return the instruction text, for example the prompt itself or a k-shot question
     */
    String instruction(EvalItem item);

    /**
     * Scores the completions.
     *
     * @param samples one sample per item of {@link #prompts()}, in item order
     * @return the result
     */
    R score(List<GeneratedSample> samples);

    /**
     * Describes the task's settings for the summary, such as the number of shots or the judge.
     *
     * @return the settings
     */
    JsonObject settingsJson();
}
