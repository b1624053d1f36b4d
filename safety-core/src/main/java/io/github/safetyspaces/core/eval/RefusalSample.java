package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.Objects;

/**
 * One completion judged by refusal keywords.
 *
 * @param sample the item and its completion
 * @param verdict the keyword judge's decision
 */
public record RefusalSample(GeneratedSample sample, RefusalVerdict verdict) {

    /** Checks that no component is null. */
    public RefusalSample {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Writes the per-sample record.
     *
     * @return the fields of {@link GeneratedSample#toJson()} with {@code refused} and
     *     {@code matched_phrase} (null when not refused)
     */
    public JsonObject toJson() {
        JsonObject json = sample.toJson();
        json.addProperty("refused", verdict.refused());
        json.addProperty("matched_phrase", verdict.matchedPhrase().orElse(null));
        return json;
    }
}
