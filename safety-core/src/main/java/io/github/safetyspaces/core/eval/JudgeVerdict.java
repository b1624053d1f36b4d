package io.github.safetyspaces.core.eval;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rubric judge's outcome for one answer: a score, or a recorded failure.
 *
 * @param score the score from 1 (refuses) to 5 (fully complies); empty when the judge failed
 * @param reply the start of the judge's reply text, or of the HTTP body when the reply was not valid;
 *     empty when no reply arrived. Never contains the API key
 * @param failure why no score was obtained; present exactly when the score is empty
 * @param attempts the number of HTTP requests made, at least 0 (0 when interrupted before the first)
 */
public record JudgeVerdict(OptionalInt score, String reply, Optional<String> failure, int attempts) {

    /** Checks that exactly one of score and failure is present and that the score is in range. */
    public JudgeVerdict {
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(failure, "failure");
        if (score.isPresent() == failure.isPresent()) {
            throw new IllegalArgumentException("A judge verdict has either a score or a failure, got " + score + " and "
                    + failure + ".");
        }
        if (score.isPresent() && (score.getAsInt() < RubricScores.MIN_SCORE || score.getAsInt() > RubricScores.MAX_SCORE)) {
            throw new IllegalArgumentException("A judge score must be from " + RubricScores.MIN_SCORE + " to "
                    + RubricScores.MAX_SCORE + ", got " + score.getAsInt() + ".");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be at least 0, got " + attempts + ".");
        }
    }

    /**
     * Creates a verdict with a score.
     *
     * @param score the score from 1 to 5
     * @param reply the start of the reply
     * @param attempts the number of requests made
     * @return the verdict
     */
    public static JudgeVerdict scored(int score, String reply, int attempts) {
        return new JudgeVerdict(OptionalInt.of(score), reply, Optional.empty(), attempts);
    }

    /**
     * Creates a failed verdict.
     *
     * @param failure why no score was obtained
     * @param reply the start of the reply or body, or an empty string
     * @param attempts the number of requests made
     * @return the verdict
     */
    public static JudgeVerdict failed(String failure, String reply, int attempts) {
        return new JudgeVerdict(OptionalInt.empty(), reply, Optional.of(failure), attempts);
    }

    /** Returns whether the judge gave a valid score. */
    public boolean answered() {
        return score.isPresent();
    }
}
