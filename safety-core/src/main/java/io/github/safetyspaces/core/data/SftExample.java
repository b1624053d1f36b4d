package io.github.safetyspaces.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tokenized fine-tuning example: prompt tokens, response tokens and usually a final EOS, with
 * the index where the response starts. The loss covers only the positions that predict a token at
 * or after {@code responseStart}.
 *
 * <p>The id array is copied on construction and by {@link #ids()}, so instances are immutable.
 */
public final class SftExample {

    private final int[] ids;
    private final int responseStart;

    /**
     * Creates an example.
     *
     * @param ids the token ids, BOS (if any) first; not empty
     * @param responseStart the index of the first response token, in {@code [0, ids.length)}
     * @throws IllegalArgumentException if no position predicts a response token, that is if
     *     {@code ids.length <= max(responseStart, 1)}
     */
    public SftExample(int[] ids, int responseStart) {
        Objects.requireNonNull(ids, "ids");
        if (responseStart < 0 || responseStart >= ids.length) {
            throw new IllegalArgumentException("The response start " + responseStart + " must be in [0, "
                    + ids.length + "), the range of token indexes.");
        }
        // The first token has no position before it, so a response that starts at 0 learns from index 1 on.
        if (ids.length <= Math.max(responseStart, 1)) {
            throw new IllegalArgumentException("An example of " + ids.length + " tokens with response start "
                    + responseStart + " has no position that predicts a response token.");
        }
        this.ids = ids.clone();
        this.responseStart = responseStart;
    }

    /**
     * Returns a copy of the token ids.
     *
     * @return the ids
     */
    public int[] ids() {
        return ids.clone();
    }

    /**
     * Returns the index of the first response token.
     *
     * @return the response start
     */
    public int responseStart() {
        return responseStart;
    }

    /**
     * Returns the number of tokens.
     *
     * @return the length of {@link #ids()}
     */
    public int length() {
        return ids.length;
    }

    /**
     * Returns the number of positions whose next token is a response token or EOS, which are the
     * positions that count in the loss.
     *
     * @return {@code length() - max(responseStart(), 1)}
     */
    public int predictedTokens() {
        return ids.length - Math.max(responseStart, 1);
    }

    /** Returns one token id without copying the array, for batching. */
    int idAt(int index) {
        return ids[index];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SftExample that && responseStart == that.responseStart && Arrays.equals(ids, that.ids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + responseStart;
    }

    @Override
    public String toString() {
        return "SftExample[ids=" + Arrays.toString(ids) + ", responseStart=" + responseStart + "]";
    }
}
