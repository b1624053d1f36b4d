package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.Objects;

/**
 * One answer scored by the rubric judge.
 *
 * @param sample the item and its completion
 * @param verdict the judge's score or failure
 */
public record RubricSample(GeneratedSample sample, JudgeVerdict verdict) {

    /** Checks that no component is null. */
    public RubricSample {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Writes the per-sample record.
     *
     * @return the fields of {@link GeneratedSample#toJson()} with {@code judge_score} (null on failure),
     *     {@code judge_reply} (the start of the reply), {@code judge_failure} (null when scored) and
     *     {@code judge_attempts}
     */
    public JsonObject toJson() {
        JsonObject json = sample.toJson();
        json.addProperty("judge_score", verdict.score().isPresent() ? verdict.score().getAsInt() : null);
        json.addProperty("judge_reply", verdict.reply());
        json.addProperty("judge_failure", verdict.failure().orElse(null));
        json.addProperty("judge_attempts", verdict.attempts());
        return json;
    }
}
