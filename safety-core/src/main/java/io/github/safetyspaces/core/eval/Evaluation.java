package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The result of one evaluation run with the settings that produced it, as {@link EvaluationWriter}
 * records them.
 *
 * @param task the task's kind, for example {@code utility}
 * @param promptSetName the prompt set's name
 * @param promptSource the file the prompts were read from
 * @param promptCount the number of prompts evaluated
 * @param taskSettings the task's settings, from {@link EvaluationTask#settingsJson()}
 * @param generation the decoding settings
 * @param template the prompt template the instructions were rendered with
 * @param templateOrigin where the template came from: {@value Evaluator#TEMPLATE_RECORDED} or
 *     {@value Evaluator#TEMPLATE_EXPLICIT}
 * @param report the scored result
 * @param <R> the type of the scored result
 */
public record Evaluation<R extends EvaluationReport>(String task, String promptSetName, Path promptSource,
        int promptCount, JsonObject taskSettings, GenerationOptions generation, PromptTemplate template,
        String templateOrigin, R report) {

    /** Checks that no component is null and copies the task settings, because JSON objects are mutable. */
    public Evaluation {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(promptSetName, "promptSetName");
        Objects.requireNonNull(promptSource, "promptSource");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(templateOrigin, "templateOrigin");
        Objects.requireNonNull(report, "report");
        taskSettings = Objects.requireNonNull(taskSettings, "taskSettings").deepCopy();
    }

    /** Returns a copy of the task settings. */
    @Override
    public JsonObject taskSettings() {
        return taskSettings.deepCopy();
    }
}
