package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import io.github.safetyspaces.core.model.FinishReason;
import java.util.Map;
import java.util.Objects;

/**
 * One item with the model's completion, before scoring.
 *
 * @param item the evaluation item
 * @param renderedPrompt the text given to the model: the task's instruction rendered with the template
 * @param completion the generated text
 * @param finishReason why generation ended
 */
public record GeneratedSample(EvalItem item, String renderedPrompt, String completion, FinishReason finishReason) {

    /** Checks that no component is null. */
    public GeneratedSample {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(renderedPrompt, "renderedPrompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /**
     * Writes the fields that every task's per-sample record shares.
     *
     * @return {@code id}, {@code row}, {@code prompt}, {@code rendered_prompt}, {@code completion},
     *     {@code finish_reason}, {@code reference} when the item has one, and {@code metadata} when it has any
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("id", item.id());
        json.addProperty("row", item.row());
        json.addProperty("prompt", item.prompt());
        json.addProperty("rendered_prompt", renderedPrompt);
        json.addProperty("completion", completion);
        json.addProperty("finish_reason", finishReason.name());
        item.reference().ifPresent(reference -> json.addProperty("reference", reference));
        if (!item.metadata().isEmpty()) {
            JsonObject metadata = new JsonObject();
            for (Map.Entry<String, String> field : item.metadata().entrySet()) {
                metadata.addProperty(field.getKey(), field.getValue());
            }
            json.add("metadata", metadata);
        }
        return json;
    }
}
