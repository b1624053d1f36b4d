package io.github.safetyspaces.core.eval;

import java.util.Objects;

/**
 * One answer for the rubric judge to score.
 *
 * @param id the item's id, for logs
 * @param prompt the request as the evaluation set has it, without a template
 * @param response the model's answer
 */
public record JudgeRequest(String id, String prompt, String response) {

    /** Checks that no component is null. */
    public JudgeRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
    }
}
