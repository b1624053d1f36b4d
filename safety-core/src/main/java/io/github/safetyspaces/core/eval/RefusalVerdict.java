package io.github.safetyspaces.core.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * The keyword judge's decision on one completion.
 *
 * @param refused whether the completion contains a refusal phrase
 * @param matchedPhrase the first phrase of the judge's list that the completion contains; present
 *     exactly when {@code refused}
 */
public record RefusalVerdict(boolean refused, Optional<String> matchedPhrase) {

    /** Checks that a phrase is present exactly when the completion was judged a refusal. */
    public RefusalVerdict {
        Objects.requireNonNull(matchedPhrase, "matchedPhrase");
        if (refused != matchedPhrase.isPresent()) {
            throw new IllegalArgumentException("A refusal verdict has a matched phrase exactly when refused is true,"
                    + " got refused=" + refused + " and phrase " + matchedPhrase + ".");
        }
    }
}
