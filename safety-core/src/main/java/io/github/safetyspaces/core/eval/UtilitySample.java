package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * One scored GSM8K-style sample.
 *
 * @param sample the item and its completion
 * @param referenceAnswer the normalized final answer of the reference solution
 * @param strictAnswer the normalized answer after {@code ####} in the completion, if any
 * @param flexibleAnswer the normalized last number in the completion, if any
 */
public record UtilitySample(GeneratedSample sample, String referenceAnswer, Optional<String> strictAnswer,
        Optional<String> flexibleAnswer) {

    /** Checks that no component is null. */
    public UtilitySample {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(referenceAnswer, "referenceAnswer");
        Objects.requireNonNull(strictAnswer, "strictAnswer");
        Objects.requireNonNull(flexibleAnswer, "flexibleAnswer");
    }

    /**
     * Extracts both answers from a completion and the reference answer from the item.
     *
     * @param sample the item and its completion
     * @return the scored sample
     * @throws IllegalArgumentException if the item has no reference with a {@code #### N} line
     */
    public static UtilitySample score(GeneratedSample sample) {
        String completion = sample.completion();
        return new UtilitySample(sample, AnswerExtraction.referenceAnswer(sample.item()),
                AnswerExtraction.strict(completion), AnswerExtraction.flexible(completion));
    }

    /** Returns whether the strictly extracted answer equals the reference answer. */
    public boolean strictCorrect() {
        return AnswerExtraction.matches(strictAnswer, referenceAnswer);
    }

    /** Returns whether the flexibly extracted answer equals the reference answer. */
    public boolean flexibleCorrect() {
        return AnswerExtraction.matches(flexibleAnswer, referenceAnswer);
    }

    /**
     * Writes the per-sample record.
     *
     * @return the fields of {@link GeneratedSample#toJson()} with {@code reference_answer},
     *     {@code strict_answer} and {@code flexible_answer} (null when none was found),
     *     {@code strict_correct} and {@code flexible_correct}
     */
    public JsonObject toJson() {
        JsonObject json = sample.toJson();
        json.addProperty("reference_answer", referenceAnswer);
        json.addProperty("strict_answer", strictAnswer.orElse(null));
        json.addProperty("flexible_answer", flexibleAnswer.orElse(null));
        json.addProperty("strict_correct", strictCorrect());
        json.addProperty("flexible_correct", flexibleCorrect());
        return json;
    }
}
